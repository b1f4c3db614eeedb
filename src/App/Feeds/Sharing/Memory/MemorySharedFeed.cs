using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// The memory engine's shared feed: one producer in this process, any number of readers. Items are numbered here,
/// once (in an epoch new in every process), so every reader sees the same sequence and can resume from it out of
/// the history ring. The runs, readers and failures are the shared core's (<see cref="SharedFeedCore"/>).
/// </summary>
public sealed class MemorySharedFeed : SharedFeedCore
{
    private readonly Func<CancellationToken, IAsyncEnumerable<object>> _open;
    private readonly FeedHistory _history;
    private readonly string _epoch = FeedEpoch.New();
    private long _sequence;

    internal MemorySharedFeed(FeedDefinition feed, Func<CancellationToken, IAsyncEnumerable<object>> open, TaskGroup host, TimeProvider timeProvider, StreamStats stats, ILogger logger)
        : base(feed, host, timeProvider, stats, logger)
    {
        _open = open;
        _history = new FeedHistory(feed.HistoryLength, feed.HistoryMaxBytes);
    }

    /// <summary>
    /// Adds a reader. With <paramref name="after"/>, it first gets the items after that position that are
    /// still in history, preceded by a <c>reset</c> record if some are not or the position is from another
    /// epoch (another process). While the server is stopping, the
    /// reader's stream ends at once with an <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="after">The position to resume after, if any.</param>
    /// <param name="extraBuffer">Items the reader may hold beyond the feed's <see cref="FeedDefinition.SubscriberBuffer"/>.</param>
    public FeedSubscription Subscribe(FeedPosition? after, int extraBuffer = 0)
    {
        lock (Gate)
        {
            var replay = after is { } position ? Replay(position) : [];
            // A resuming reader's numbering continues from its position (a reset moves it); a new one's from the feed's last item.
            var startsAfter = after is { } resumed && !resumed.IsFromAnotherEpoch(_epoch) && resumed.Sequence <= _sequence ? resumed.Sequence : _sequence;
            // Live items wait behind the replay: the reader may be that much further behind while it drains it.
            var subscription = NewReader(extraBuffer + replay.Count, startsAfter);
            subscription.Replay(replay);
            Join(subscription);
            return subscription;
        }
    }

    /// <summary>The history ring, oldest first (for exports).</summary>
    public IReadOnlyList<FeedItem<object>> History()
    {
        lock (Gate)
        {
            Expire();
            return _history.All();
        }
    }

    private protected override async Task RunAsync(SharedFeedRun run, CancellationToken stop)
    {
        Counters.Producer = true;
        Stats.SharedProducers.Increment();
        try
        {
            await foreach (var data in _open(stop).WithCancellation(stop))
            {
                Publish(run, data);
            }
        }
        finally
        {
            Counters.Producer = false;
            Stats.SharedProducers.Decrement();
        }
    }

    private List<FeedItem<object>> Replay(FeedPosition position)
    {
        Expire();
        var now = Time.GetUtcNow();
        if (position.IsFromAnotherEpoch(_epoch))
        {
            return [FeedRecords.AnotherEpoch(Feed, position.ToString(), _sequence, _epoch, now)];
        }

        var after = position.Sequence;
        if (after > _sequence)
        {
            return [FeedRecords.Ahead(Feed, after, _sequence, _epoch, now)];
        }

        var items = new List<FeedItem<object>>();
        // An empty history (or one of length 0) keeps nothing after the position either.
        var first = _history.OldestSequence ?? _sequence + 1;
        if (first > after + 1)
        {
            items.Add(FeedRecords.Trimmed(Feed, after, first, _epoch, now, boundedByBytes: true));
        }

        items.AddRange(_history.After(after));
        return items;
    }

    private void Expire()
    {
        if (Feed.HistoryRetention is { } retention)
        {
            _history.Expire(Time.GetUtcNow() - retention);
        }
    }

    // A reset's seq is the one the reader's numbering continues after.
    private void Publish(SharedFeedRun run, object data)
    {
        // Serialized once for every reader, outside the lock that readers joining and leaving wait on.
        var json = FeedJson.Encode(data);
        lock (Gate)
        {
            // A stopping run has no readers left, and a newer run may be numbering the feed already.
            if (run.IsStopping)
            {
                return;
            }

            var item = new FeedItem<object>(Feed.Name, ++_sequence, Time.GetUtcNow(), data) { Epoch = _epoch, DataJson = json };
            _history.Add(item);
            Counters.SetSequence(_sequence);
            if (data is UpstreamStatus status && FeedStates.Of(status) is { } state)
            {
                // Only the connection's state is the feed's state; a skipped malformed message is an event.
                Counters.State = state;
            }

            run.Offer(item);
        }
    }
}
