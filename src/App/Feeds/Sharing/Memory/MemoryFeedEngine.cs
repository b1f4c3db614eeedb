using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// The memory engine: owns the shared feeds of this process and the host-level task group their producers
/// run in, so they stay structured: stopping the app cancels and awaits every one of them. History lives
/// as long as the process, and each feed's epoch is new in every process.
/// </summary>
public sealed class MemoryFeedEngine(FeedCatalog catalog, StreamStats stats, TimeProvider timeProvider, IOptions<PublishingOptions> publishing, ILogger<MemoryFeedEngine> logger) : IFeedEngine, IHostedService, IAsyncDisposable
{
    /// <inheritdoc/>
    public string Name => "memory";

    private readonly ConcurrentDictionary<string, MemorySharedFeed> _feeds = new(StringComparer.Ordinal);
    private readonly SharedFeedHost _host = new(logger);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task EnsureReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(HealthCheckResult.Healthy("In-memory engine.", new Dictionary<string, object> { ["engine"] = Name }));

    public Task StopAsync(CancellationToken cancellationToken) => _host.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    /// <summary>The shared feed for <paramref name="feed"/>, created on first use.</summary>
    public MemorySharedFeed Get(FeedDefinition feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return _feeds.GetOrAdd(feed.Name, _ => new MemorySharedFeed(feed, (resumeAfter, token) => catalog.ReadFromAsync(feed, resumeAfter, token), _host.Group, timeProvider, stats, publishing.Value, logger));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<FeedItem<object>> SubscribeAsync(FeedDefinition feed, FeedStart start, int extraBuffer, CancellationToken cancellationToken) =>
        Get(feed).SubscribeAsync(start, extraBuffer, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<FeedItem<object>> HistoryAsync(FeedDefinition feed, CancellationToken cancellationToken) =>
        Get(feed).HistoryAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<PublishOutcome> PublishAsync(FeedDefinition feed, PublishBatch batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Get(feed).Publish(batch));
    }

    /// <inheritdoc/>
    public Task<FeedPosition> HeadAsync(FeedDefinition feed, CancellationToken cancellationToken) => Get(feed).HeadAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<bool> KeepsAsync(FeedDefinition feed, FeedPosition after, CancellationToken cancellationToken) => Get(feed).KeepsAsync(after, cancellationToken);

    /// <inheritdoc/>
    public Task<PublishedEntry?> FindPublishedAsync(FeedDefinition feed, string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Get(feed).FindPublished(id));
    }
}
