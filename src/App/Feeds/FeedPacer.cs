namespace Tributary.App.Feeds;

/// <summary>
/// Spaces a feed's items at a steady rate. It schedules item n at start + n / rate rather than sleeping a
/// fixed period after each item, so the rate holds even when producing or writing an item takes time, and
/// rates above 1000/s work although no single delay can be shorter than a millisecond.
/// </summary>
internal sealed class FeedPacer(double itemsPerSecond, TimeProvider timeProvider)
{
    private readonly long _start = timeProvider.GetTimestamp();
    private long _emitted;

    /// <summary>Waits until the next item is due; with a rate of 0 it never waits.</summary>
    public async ValueTask WaitForNextAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (itemsPerSecond <= 0)
        {
            return;
        }

        var due = TimeSpan.FromSeconds(_emitted++ / itemsPerSecond);
        var wait = due - timeProvider.GetElapsedTime(_start);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, timeProvider, cancellationToken);
        }
    }
}
