using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds.Requests;

/// <summary>
/// The one per-client concurrency rule for <c>/api/stream</c>, live exports and hub streams
/// (<c>Streaming:MaxStreamsPerClient</c>), on the framework's partitioned concurrency limiter. A client is its
/// authenticated principal when there is one, else its IP address (<c>Security.StreamClient</c> says which). Partitions that fall idle are dropped by the limiter itself.
/// </summary>
public sealed class StreamLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public StreamLimiter(IOptions<StreamingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limit = options.Value.MaxStreamsPerClient;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetConcurrencyLimiter(
            client,
            _ => new ConcurrencyLimiterOptions { PermitLimit = limit, QueueLimit = 0 }));
    }

    /// <summary>Takes a stream slot for <paramref name="client"/>, or <see langword="null"/> when it holds the most allowed.</summary>
    /// <returns>The lease to dispose when the stream ends.</returns>
    public IDisposable? TryAcquire(string client)
    {
        var lease = PartitionedAttempt.Acquire(_limiter, client);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    public void Dispose() => _limiter.Dispose();
}
