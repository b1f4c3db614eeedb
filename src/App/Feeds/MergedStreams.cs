using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing;
using Tributary.Streaming.Merging;
using Tributary.Streaming.Operators;
using Tributary.Streaming.Producers;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds;

/// <summary>
/// Opens the merged stream a checked request asks for, through one scoped producer (its readers counted in
/// <see cref="StreamStats.ActiveProducers"/>), or, for a request of one feed, straight from that feed's
/// subscription or producer (counted the same way). Shared feeds are read through a subscription; private ones
/// (a counter, or any feed given per-request overrides) run inside the stream. Every entry point (the raw
/// endpoint, the exports and the hub) streams through here.
/// </summary>
public sealed class MergedStreams(
    FeedCatalog catalog,
    IFeedEngine sharedFeeds,
    StreamStats stats,
    IOptions<StreamingOptions> options,
    TimeProvider timeProvider)
{
    /// <param name="request">The feeds, overrides, limit and resume position.</param>
    /// <param name="cancellationToken">Stops every feed reader (the request's or the hub invocation's token).</param>
    /// <param name="quietWhenCancelled">
    /// A stream of one private feed may simply end when cancelled, rather than throw: for a reader that checks its
    /// own token when the items end, which saves an exception per layer when thousands of streams close at once.
    /// </param>
    public IAsyncEnumerable<FeedItem<object>> Open(FeedRequest request, CancellationToken cancellationToken, bool quietWhenCancelled = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hasOverrides = request.Overrides.Rate is not null || request.Overrides.Count is not null;
        if (request.Feeds is [{ IsShared: true } only] && !hasOverrides)
        {
            var single = SubscribeAsync(only, request.StartOf(only.Name), options.Value.ChannelCapacity, cancellationToken);
            return request.Limit is { } max ? single.TakeItems(max, cancellationToken) : single;
        }

        if (request.Feeds is [var alone])
        {
            var own = new WatchedItems<FeedItem<object>>(
                PrivateAsync(alone, request.Overrides, request.Since.For(alone.Name), endsWithCancellation: !quietWhenCancelled, cancellationToken),
                stats.ActiveProducers.Increment,
                stats.ActiveProducers.Decrement);
            return request.Limit is { } most ? own.TakeItems(most, cancellationToken) : own;
        }

        var sources = request.Feeds
            .Select(feed => feed.IsShared && !hasOverrides
                ? (Func<CancellationToken, IAsyncEnumerable<FeedItem<object>>>)(token => sharedFeeds.SubscribeAsync(feed, request.StartOf(feed.Name), extraBuffer: 0, token))
                : token => PrivateAsync(feed, request.Overrides, request.Since.For(feed.Name), endsWithCancellation: false, token))
            .ToList();
        var scope = new ScopedProducerOptions { Capacity = options.Value.ChannelCapacity, ActiveProducers = stats.ActiveProducers };
        var merged = FeedMerge.MergeLabelledAsync(sources, scope, cancellationToken);
        return request.Limit is { } limit ? merged.TakeItems(limit, cancellationToken) : merged;
    }

    // One shared feed has nothing to merge with: its subscription already is a bounded buffer that the feed
    // fills without waiting, so the stream reads it directly, without a scope's channel and a pump between them,
    // one wake-up per burst instead of two (measured in docs/PERFORMANCE.md). The subscription's buffer takes
    // the merge channel's capacity too, so a slow reader has the same room either way. It still counts as the
    // stream's producer, and disposing the enumerator ends the subscription as a scope's teardown would.
    private WatchedItems<FeedItem<object>> SubscribeAsync(FeedDefinition feed, FeedStart start, int extraBuffer, CancellationToken cancellationToken) =>
        new(sharedFeeds.SubscribeAsync(feed, start, extraBuffer, cancellationToken), stats.ActiveProducers.Increment, stats.ActiveProducers.Decrement);

    // A private feed lives and dies with this stream, so it has no history to resume from. Read alone, it runs in the
    // stream's own reads: nothing to merge, so no scope, channel or task between the feed and the writer (the first
    // item sooner, one layer fewer to unwind on an abort); it still counts as the stream's producer, and disposing the
    // enumerator stops it. Paced feeds end quietly when cancelled (FeedPacer); read alone, the stream's cancellation
    // must still reach its reader as one, so it is thrown here, once, unless the reader asked to check its token
    // itself. In a merge, the scope's own read says so.
    private async IAsyncEnumerable<FeedItem<object>> PrivateAsync(FeedDefinition feed, CounterOverrides overrides, FeedPosition? after, bool endsWithCancellation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (after is not null)
        {
            yield return new FeedItem<object>(feed.Name, 0, timeProvider.GetUtcNow(), new FeedControl(
                FeedControlKind.Reset,
                $"Feed '{feed.Name}' runs privately for each stream and keeps no history; its sequence restarts at 1.")
            {
                Reason = ResetReasons.Private,
            });
        }

        long sequence = 0;
        await foreach (var data in catalog.ReadAsync(feed, overrides, cancellationToken).WithCancellation(cancellationToken))
        {
            yield return new FeedItem<object>(feed.Name, ++sequence, timeProvider.GetUtcNow(), data);
        }

        if (endsWithCancellation)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
