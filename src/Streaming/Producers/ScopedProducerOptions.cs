using Tributary.Streaming.Diagnostics;

namespace Tributary.Streaming.Producers;

/// <summary>Settings for a <see cref="ScopedProducer{T}"/>.</summary>
public sealed record ScopedProducerOptions
{
    /// <summary>The default channel capacity: 64 items.</summary>
    public const int DefaultCapacity = 64;

    /// <summary>
    /// How many items may wait between producers and the consumer (default 64). When it is full,
    /// producers wait: a slow consumer slows producers down instead of growing memory.
    /// </summary>
    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>Counts running producers when set (default: not counted).</summary>
    public ActivityGauge? ActiveProducers { get; init; }
}
