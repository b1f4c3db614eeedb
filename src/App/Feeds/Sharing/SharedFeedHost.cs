using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// Owns the shared feeds and the host-level task group their producers run in, so they stay structured:
/// stopping the app cancels and awaits every one of them.
/// </summary>
public sealed class SharedFeedHost(FeedCatalog catalog, StreamStats stats, TimeProvider timeProvider, ILogger<SharedFeedHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SharedFeed> _feeds = new(StringComparer.Ordinal);
    private readonly TaskGroup _group = new();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _group.Cancel();
        await _group.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _group.Cancel();
        try
        {
            await _group.DisposeAsync();
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Shared producers report failures to their readers; nothing should reach here. Say so if it does.
            SharedFeedLog.FailedWhileStopping(logger, failure);
        }
    }

    /// <summary>The shared feed for <paramref name="feed"/>, created on first use.</summary>
    public SharedFeed Get(FeedDefinition feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return _feeds.GetOrAdd(feed.Name, _ => new SharedFeed(feed, token => catalog.ReadAsync(feed, CounterOverrides.None, token), _group, timeProvider, stats, logger));
    }

    /// <summary>Reads a shared feed for as long as the enumeration lasts; leaving unsubscribes.</summary>
    public async IAsyncEnumerable<FeedItem<object>> SubscribeAsync(FeedDefinition feed, long? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = Get(feed).Subscribe(after);
        await foreach (var item in subscription.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }
}
