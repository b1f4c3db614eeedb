using Microsoft.Extensions.Options;
using Tributary.App.Diagnostics;
using Tributary.App.Endpoints;
using Tributary.Streaming.Merging;
using Tributary.Streaming.Producers;

namespace Tributary.App.Feeds;

/// <summary>
/// Opens a merged stream of catalog feeds through one scoped producer whose producers are counted in
/// <see cref="StreamStats.ActiveProducers"/>. The raw endpoint and the hub both stream through here.
/// </summary>
public sealed class FeedStreams(FeedCatalog catalog, StreamStats stats, IOptions<StreamingOptions> options, TimeProvider timeProvider)
{
    /// <param name="feeds">The feeds to merge.</param>
    /// <param name="overrides">Counter rate and count, if the request set them.</param>
    /// <param name="cancellationToken">Stops every feed (the request's or the hub invocation's token).</param>
    public IAsyncEnumerable<FeedItem<object>> Open(IReadOnlyList<FeedDefinition> feeds, CounterOverrides overrides, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        var sources = feeds.Select(feed => catalog.Open(feed, overrides)).ToList();
        var scope = new ScopedProducerOptions { Capacity = options.Value.ChannelCapacity, ActiveProducers = stats.ActiveProducers };
        return FeedMerge.MergeAsync(sources, scope, timeProvider, cancellationToken);
    }
}
