using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Feeds.Publishing;

/// <summary>
/// The per-client publish rate (<c>Publishing:ItemsPerSecond</c>), on the framework's partitioned token-bucket limiter:
/// a publish takes one token per item, all or none. A client is its principal when there is one, else its address.
/// </summary>
public sealed class PublishLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public PublishLimiter(IOptions<PublishingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perSecond = options.Value.ItemsPerSecond;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(
            client,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes <paramref name="items"/> tokens for <paramref name="client"/>; false, with when to retry, when it has used its allowance.</summary>
    public bool TryAcquire(string client, int items, out TimeSpan retryAfter)
    {
        using var lease = PartitionedAttempt.Acquire(_limiter, client, items);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
