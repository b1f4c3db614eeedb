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
    private readonly FeedStart _start;
    private readonly Task<FeedPosition?> _joined;
    private readonly FeedItem<object>? _notice;

    // joined: the position its live items start after, once the run knows it; null when it never will (the run
    // ended first, the server is stopping). notice: the engine's outage, for a resuming reader to get first.
    internal SharedFeedReader(SharedFeedCore feed, FeedSubscription subscription, FeedStart start, Task<FeedPosition?> joined, FeedItem<object>? notice)
    {
        _feed = feed;
        _subscription = subscription;
        _start = start;
        _joined = joined;
        _notice = notice;
    }

    /// <summary>
    /// The reader's items: the replay, if it resumed or asked for a tail, then the live items until the feed ends or
    /// the reader stops. Read once; ending the enumeration leaves the feed.
    /// </summary>
    public IAsyncEnumerable<FeedItem<object>> ReadAllAsync(CancellationToken cancellationToken) =>
        _start.Replays
            // Leaves the feed however the enumeration ends, even disposed before its first read.
            ? new WatchedItems<FeedItem<object>>(ResumeAsync(cancellationToken), started: null, ended: Dispose)
            : _subscription.ReadAllAsync(cancellationToken);

    private async IAsyncEnumerable<FeedItem<object>> ResumeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_notice is not null)
        {
            yield return _notice;
        }

        if (await _joined.WaitAsync(cancellationToken) is { } start)
        {
            var replay = _start.After is { } after
                ? _feed.Replay.ReplayAsync(after, start, _subscription.SkipThrough, cancellationToken)
                : _feed.Replay.TailReplayAsync(await _feed.Replay.TailAsync(_start.Tail, start, cancellationToken), start, _subscription.SkipThrough, cancellationToken);
            await foreach (var item in replay)
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
