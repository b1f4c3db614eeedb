namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// The one way the shared feeds and their engines try again: runs an attempt until it returns, and after a failure the caller calls
/// retryable waits (100 ms doubling to a ceiling, with up to 20% jitter so instances that lost the same server do
/// not come back in step) and tries again. The attempt is handed a callback to call once it has made progress, so
/// the next failure starts the delays over. Cancellation ends it, and a failure that is not retryable propagates.
/// </summary>
internal static class RetryWithBackoff
{
    public static async Task<T> RunAsync<T>(
        Func<Action, CancellationToken, Task<T>> attempt,
        Func<Exception, bool> isRetryable,
        Action<Exception, TimeSpan> onRetry,
        TimeSpan maxDelay,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                return await attempt(() => failures = 0, cancellationToken);
            }
            catch (Exception failure) when (!cancellationToken.IsCancellationRequested && isRetryable(failure))
            {
                var delay = Delay(++failures, maxDelay);
                onRetry(failure, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>The wait before try number <paramref name="failures"/> + 1.</summary>
    public static TimeSpan Delay(int failures, TimeSpan max)
    {
        var doubled = TimeSpan.FromMilliseconds(100 * Math.Pow(2, Math.Clamp(failures - 1, 0, 16)));
        var delay = doubled < max ? doubled : max;
        return delay * (1 - (0.2 * Random.Shared.NextDouble()));
    }
}
