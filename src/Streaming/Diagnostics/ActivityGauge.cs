namespace Tributary.Streaming.Diagnostics;

/// <summary>
/// A live, thread-safe count of things that are running right now (producers, streams).
/// Scoped producers count their producers in one, so a test or a metrics feed can watch it return to zero.
/// </summary>
public sealed class ActivityGauge
{
    private long _current;

    /// <summary>How many are running now.</summary>
    public long Current => Interlocked.Read(ref _current);

    /// <summary>Records that one more is running.</summary>
    public void Increment() => Interlocked.Increment(ref _current);

    /// <summary>Records that one has stopped.</summary>
    public void Decrement() => Interlocked.Decrement(ref _current);
}
