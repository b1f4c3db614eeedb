using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Tributary.App.Diagnostics;
using Tributary.App.Endpoints;
using Tributary.App.Feeds.Sharing;
using Tributary.Streaming.Merging;
using Tributary.Streaming.Producers;

namespace Tributary.App.Feeds;

/// <summary>
/// Opens a merged stream of catalog feeds through one scoped producer (its readers counted in
/// <see cref="StreamStats.ActiveProducers"/>). Shared feeds are read through a subscription; private ones
/// (a counter, or any feed given per-request overrides) run inside the stream. The raw endpoint and the
/// hub both stream through here.
/// </summary>
public sealed class FeedStreams(
    FeedCatalog catalog,
    SharedFeedHost sharedFeeds,
    StreamStats stats,
    IOptions<StreamingOptions> options,
    TimeProvider timeProvider)
{
    /// <param name="feeds">The feeds to merge.</param>
    /// <param name="overrides">Counter rate and count, if the request set them.</param>
    /// <param name="since">Where to resume each feed; empty to start live.</param>
    /// <param name="cancellationToken">Stops every feed reader (the request's or the hub invocation's token).</param>
    public IAsyncEnumerable<FeedItem<object>> Open(IReadOnlyList<FeedDefinition> feeds, CounterOverrides overrides, StreamPosition since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(since);
        var hasOverrides = overrides.Rate is not null || overrides.Count is not null;
        var sources = feeds
            .Select(feed => feed.IsShared && !hasOverrides
                ? (Func<CancellationToken, IAsyncEnumerable<FeedItem<object>>>)(token => sharedFeeds.SubscribeAsync(feed, since.For(feed.Name), token))
                : token => PrivateAsync(feed, overrides, since.For(feed.Name), token))
            .ToList();
        var scope = new ScopedProducerOptions { Capacity = options.Value.ChannelCapacity, ActiveProducers = stats.ActiveProducers };
        return FeedMerge.MergeLabelledAsync(sources, scope, cancellationToken);
    }

    // A private feed lives and dies with this stream, so it has no history to resume from.
    private async IAsyncEnumerable<FeedItem<object>> PrivateAsync(FeedDefinition feed, CounterOverrides overrides, long? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (after is not null)
        {
            yield return new FeedItem<object>(feed.Name, 0, timeProvider.GetUtcNow(), new FeedControl(
                "reset",
                $"Feed '{feed.Name}' runs privately for each stream and keeps no history; its sequence restarts at 1."));
        }

        long sequence = 0;
        await foreach (var data in catalog.Open(feed, overrides).Open(cancellationToken).WithCancellation(cancellationToken))
        {
            yield return new FeedItem<object>(feed.Name, ++sequence, timeProvider.GetUtcNow(), data);
        }
    }
}
