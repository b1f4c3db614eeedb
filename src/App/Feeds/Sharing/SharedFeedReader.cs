using System.Runtime.CompilerServices;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// A reader of a shared feed, joined to its run when it was created (so nothing published from then on passes it
/// by): a resuming reader first gets what it missed from the feed's store, while its live items wait in its
/// allowance, then the live items. Disposing it leaves the feed.
/// </summary>
public sealed class SharedFeedReader : IDisposable
{
    private readonly SharedFeedCore _feed;
    private readonly FeedSubscription _subscription;
    private readonly FeedPosition? _after;
    private readonly Task<FeedPosition?> _joined;
    private readonly FeedItem<object>? _notice;

    // joined: the position its live items start after, once the run knows it; null when it never will (the run
    // ended first, the server is stopping). notice: the engine's outage, for a resuming reader to get first.
    internal SharedFeedReader(SharedFeedCore feed, FeedSubscription subscription, FeedPosition? after, Task<FeedPosition?> joined, FeedItem<object>? notice)
    {
        _feed = feed;
        _subscription = subscription;
        _after = after;
        _joined = joined;
        _notice = notice;
    }

    /// <summary>
    /// The reader's items: the replay, if it resumed, then the live items until the feed ends or the reader stops.
    /// Read once; ending the enumeration leaves the feed.
    /// </summary>
    public IAsyncEnumerable<FeedItem<object>> ReadAllAsync(CancellationToken cancellationToken) =>
        _after is { } position
            // Leaves the feed however the enumeration ends, even disposed before its first read.
            ? new WatchedItems<FeedItem<object>>(ResumeAsync(position, cancellationToken), started: null, ended: Dispose)
            : _subscription.ReadAllAsync(cancellationToken);

    private async IAsyncEnumerable<FeedItem<object>> ResumeAsync(FeedPosition position, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_notice is not null)
        {
            yield return _notice;
        }

        if (await _joined.WaitAsync(cancellationToken) is { } start)
        {
            await foreach (var item in _feed.Replay.ReplayAsync(position, start, _subscription.SkipThrough, cancellationToken))
            {
                yield return item;
            }
        }

        await foreach (var item in _subscription.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>Leaves the feed.</summary>
    public void Dispose() => _subscription.Dispose();
}
