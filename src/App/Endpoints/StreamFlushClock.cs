using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Formatting;

namespace Tributary.App.Endpoints;

/// <summary>The one <see cref="FlushClock"/> raw streams share when <c>Streaming:FlushInterval</c> is set.</summary>
public sealed class StreamFlushClock(IOptions<StreamingOptions> options, TimeProvider timeProvider) : IDisposable
{
    /// <summary>The clock, or <see langword="null"/> when streams write each item at once.</summary>
    public FlushClock? Clock { get; } = options.Value.FlushInterval is { } interval ? new FlushClock(interval, timeProvider) : null;

    public void Dispose() => Clock?.Dispose();
}
