namespace Tributary.App.Feeds;

/// <summary>
/// Spaces a feed's items at a steady rate. It schedules item n at start + n / rate rather than sleeping a
/// fixed period after each item, so the rate holds even when producing or writing an item takes time.
/// It never sleeps less than <see cref="MinimumSleep"/>: at high rates it wakes every 10 ms and releases the
/// items that have come due together, so 1,000 items a second cost 100 wake-ups, not 1,000, and the stream
/// downstream writes each burst with one flush.
/// </summary>
internal sealed class FeedPacer(double itemsPerSecond, TimeProvider timeProvider)
{
    public static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(10);

    private readonly long _start = timeProvider.GetTimestamp();
    private long _emitted;

    /// <summary>
    /// Waits until the next item is due; with a rate of 0 it never waits. False once the token is cancelled: only
    /// the feed's owner cancels it, as it tears the stream down, so the feed then ends quietly instead of throwing
    /// through every layer of that teardown (an exception per layer per stream was most of the cost of closing
    /// thousands of streams at once).
    /// </summary>
    public ValueTask<bool> WaitForNextAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new(false);
        }

        if (itemsPerSecond <= 0)
        {
            // Unthrottled feeds call this for every item: no async state machine on that path.
            return new(true);
        }

        var due = TimeSpan.FromSeconds(_emitted++ / itemsPerSecond);
        var wait = due - timeProvider.GetElapsedTime(_start);
        return wait > TimeSpan.Zero ? SleepAsync(wait < MinimumSleep ? MinimumSleep : wait, cancellationToken) : new(true);
    }

    private async ValueTask<bool> SleepAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !cancellationToken.IsCancellationRequested;
    }
}
