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

    /// <summary>Waits until the next item is due; with a rate of 0 it never waits.</summary>
    public ValueTask WaitForNextAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (itemsPerSecond <= 0)
        {
            // Unthrottled feeds call this for every item: no async state machine on that path.
            return ValueTask.CompletedTask;
        }

        var due = TimeSpan.FromSeconds(_emitted++ / itemsPerSecond);
        var wait = due - timeProvider.GetElapsedTime(_start);
        return wait > TimeSpan.Zero
            ? new ValueTask(Task.Delay(wait < MinimumSleep ? MinimumSleep : wait, timeProvider, cancellationToken))
            : ValueTask.CompletedTask;
    }
}
