namespace Tributary.Streaming.Formatting;

/// <summary>
/// One clock shared by every stream that trades a little latency for far fewer wake-ups and flushes. A
/// <see cref="LiveBatchWriter"/> given a clock, once an item has woken it, waits for the clock's next tick
/// before it writes: the items that arrive meanwhile wait in the source's buffer without waking anyone and go
/// out in the same flush. With thousands of readers of one feed, a wake-up and a send per item per reader
/// cost more than everything else a delivery does (measured in docs/PERFORMANCE.md). One timer serves every
/// stream, however many there are.
/// </summary>
public sealed class FlushClock : IDisposable
{
    private readonly ITimer _timer;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _disposed;

    /// <summary>Starts the clock.</summary>
    /// <param name="interval">The time between ticks: the most a written item waits for the ones after it.</param>
    /// <param name="timeProvider">Runs the timer; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public FlushClock(TimeSpan interval, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Interval = interval;
        _timer = (timeProvider ?? TimeProvider.System).CreateTimer(static state => ((FlushClock)state!).Tick(), this, interval, interval);
    }

    /// <summary>The time between ticks.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Completes at the next tick; at once once the clock is disposed.</summary>
    /// <returns>The next tick.</returns>
    public Task NextTickAsync() => _disposed ? Task.CompletedTask : Volatile.Read(ref _next).Task;

    /// <summary>Stops the clock and releases whoever waits for a tick.</summary>
    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
        Volatile.Read(ref _next).TrySetResult();
    }

    private void Tick() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
