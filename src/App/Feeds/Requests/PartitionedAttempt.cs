using System.Threading.RateLimiting;

namespace Tributary.App.Feeds.Requests;

/// <summary>Asks a partitioned limiter for permits once more when the first ask met a partition being disposed.</summary>
internal static class PartitionedAttempt
{
    public static RateLimitLease Acquire(PartitionedRateLimiter<string> limiter, string client, int permits = 1)
    {
        try
        {
            return limiter.AttemptAcquire(client, permits);
        }
        catch (ObjectDisposedException)
        {
            // The partitioned limiter may dispose an idle partition while it is handed out (dotnet/runtime#99865);
            // asking again gets a fresh one.
            return limiter.AttemptAcquire(client, permits);
        }
    }
}
