using System.Threading.Tasks.Sources;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// One reader of a shared feed: a cursor into its run's <see cref="FeedBroadcast"/>, so that it can never slow
/// the feed or the other readers. A reader may fall its allowance of items behind; beyond that the policy
/// decides: skip the oldest (the reader then gets a <c>gap</c> record before its next item) or end this
/// reader's stream. Control records are never skipped. A gap is worked out from the sequence numbers the
/// reader receives, so it always sits exactly where the skip happened, and together with the <c>reset</c>
/// records it covers every number the reader does not get.
/// </summary>
public sealed class FeedSubscription : IDisposable, IValueTaskSource<bool>, IThreadPoolWorkItem
{
    private readonly ISubscriptionOwner _feed;
    private readonly string _feedName;
    private readonly OverflowPolicy _policy;
    private readonly int _allowance;
    private readonly Queue<FeedItem<object>> _replay = new();
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private FeedBroadcast? _broadcast;
    private long _next;
    private long _nextControl;
    private long _delivered;
    private long _skipThrough;
    private int _waiting;
    private FeedItem<object>? _afterGap;
    private volatile bool _ended;
    private Exception? _endedWith;
    private int _disposed;

    // startsAfter: the sequence just before this reader's first item, so a skip before its first read shows too.
    internal FeedSubscription(ISubscriptionOwner feed, string feedName, int allowance, OverflowPolicy policy, long startsAfter)
    {
        _feed = feed;
        _feedName = feedName;
        _allowance = allowance;
        _policy = policy;
        _delivered = startsAfter;
    }

    /// <summary>How far behind the run this reader may fall before the overflow policy applies.</summary>
    internal int Allowance => _allowance;

    /// <summary>The run of the feed's producer this reader belongs to; set and read under the feed's lock.</summary>
    internal SharedFeedRun? Run { get; private set; }

    /// <summary>Joins a run: this reader's live items are the ones it publishes from now on. Under the feed's lock.</summary>
    internal void Attach(SharedFeedRun run, FeedBroadcast broadcast)
    {
        Run = run;
        _next = broadcast.Tail;
        _nextControl = broadcast.ControlCount;
        _broadcast = broadcast;
    }

    /// <summary>Items from history this reader gets before its live ones (a resume); before it starts reading.</summary>
    internal void Replay(IEnumerable<FeedItem<object>> items)
    {
        foreach (var item in items)
        {
            _replay.Enqueue(item);
        }
    }

    /// <summary>Ends this reader alone, after what it was already given.</summary>
    internal void Complete(Exception? failure)
    {
        _endedWith = failure;
        _ended = true;
        Wake();
    }

    /// <summary>
    /// Sets the sequence just before this reader's first item, for a reader that joined before its feed knew
    /// its position; called before it starts reading.
    /// </summary>
    internal void StartAfter(long sequence) => _delivered = sequence;

    /// <summary>
    /// Leaves out the items up to <paramref name="sequence"/>: a reader that resumed from a position beyond
    /// what its feed had handed this instance already has them. A <c>reset</c> ends the skip.
    /// </summary>
    internal void SkipThrough(long sequence) => _skipThrough = sequence;

    /// <summary>
    /// The feed's items from the moment of subscribing (after any replay), until the feed ends or the reader stops.
    /// Read once; ending the enumeration leaves the feed.
    /// </summary>
    public IAsyncEnumerable<FeedItem<object>> ReadAllAsync(CancellationToken cancellationToken) => new SubscriptionItems(this, cancellationToken);

    /// <summary>
    /// The reader's next record: a replayed one, a control record, or the next data item, preceded by the <c>gap</c>
    /// record its number reveals. False when there is nothing to read now.
    /// </summary>
    internal bool TryTake(out FeedItem<object> item)
    {
        if (_afterGap is { } pending)
        {
            _afterGap = null;
            item = pending;
            return true;
        }

        while (TryNext(out var next))
        {
            if (IsAlreadyHeld(next))
            {
                continue;
            }

            if (GapBefore(next) is { } gap)
            {
                _afterGap = next;
                item = gap;
                return true;
            }

            item = next;
            return true;
        }

        item = null!;
        return false;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _broadcast?.Unpark(this);
            _feed.Unsubscribe(this);
        }
    }

    /// <summary>Something changed for a parked reader (published, ended, cancelled): it looks again.</summary>
    internal void Wake() => Wake(here: false);

    /// <summary>
    /// Queued by the broadcast's waker, one per parked reader, on the thread pool's shared queue: readers woken by one
    /// publish then run in the order they were woken. Woken through the waker's own (last in, first out) queue, the
    /// readers woken first ran last, the same ones every time, and fell behind the others.
    /// </summary>
    void IThreadPoolWorkItem.Execute() => Wake(here: true);

    private void Wake(bool here)
    {
        if (Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            // Only the caller that took the wait sets how its continuation runs, just before running it: on this
            // thread when this is already the reader's own work item.
            _wait.RunContinuationsAsynchronously = !here;
            _wait.SetResult(true);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);

    // Replayed items first, then control records placed before the next data item, then that item.
    private bool TryNext(out FeedItem<object> item)
    {
        if (_replay.TryDequeue(out item!))
        {
            return true;
        }

        if (_broadcast is not { } broadcast)
        {
            return false;
        }

        while (true)
        {
            // The tail first: a control record published after this look sits at or after it, so it cannot be
            // overtaken by a data item read below it.
            var tail = broadcast.Tail;
            if (broadcast.TryReadControl(ref _nextControl, _next, out var control))
            {
                item = control!;
                return true;
            }

            if (_next >= tail)
            {
                return false;
            }

            if (tail - _next > _allowance || !broadcast.TryRead(_next, out var data, out _))
            {
                FellBehind(broadcast.Tail);
                continue;
            }

            _next++;
            item = data!;
            return true;
        }
    }

    // Beyond its allowance the reader skips to the newest items it may hold; the gap record follows from the numbers.
    private void FellBehind(long tail)
    {
        if (_policy == OverflowPolicy.DisconnectSlowConsumer)
        {
            throw FeedFailedException.ReaderBehind(_feedName, _allowance);
        }

        // Always forward: an item the reader cannot read is one it does not get.
        var skipTo = Math.Max(tail - _allowance, _next + 1);
        _feed.CountDropped(skipTo - _next);
        _next = skipTo;
    }

    // A resuming reader that another instance served further already has these items.
    private bool IsAlreadyHeld(FeedItem<object> item)
    {
        if (item.Data is FeedControl || item.Sequence > _skipThrough)
        {
            return false;
        }

        _delivered = item.Sequence;
        return true;
    }

    // Moves the reader's place in the feed's numbering; returns the gap record an item's number reveals, if any.
    private FeedItem<object>? GapBefore(FeedItem<object> item)
    {
        if (item.Data is FeedControl { Kind: FeedControlKind.Reset })
        {
            // The feed resumes after the reset's seq: nothing before it counts as skipped.
            (_delivered, _skipThrough) = (item.Sequence, 0);
            return null;
        }

        if (item.Data is FeedControl)
        {
            return null;
        }

        // A resuming reader already holds what it skips through, so a gap after that starts there.
        var skipped = item.Sequence - Math.Max(_delivered, _skipThrough) - 1;
        _delivered = item.Sequence;
        return skipped > 0 ? Gap(item, skipped) : null;
    }

    /// <summary>Whether the reader has read everything it will get; with the failure that ended its run or it, if any.</summary>
    internal bool IsFinished(out Exception? failure)
    {
        failure = null;
        if (_ended)
        {
            failure = _endedWith;
            return true;
        }

        if (_broadcast is { Completed: true } broadcast && _next >= broadcast.Tail && _nextControl >= broadcast.ControlCount)
        {
            failure = broadcast.Failure;
            return true;
        }

        return false;
    }

    /// <summary>Parks until something is published, the run or this reader ends, or the reader is cancelled.</summary>
    internal ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        _wait.Reset();
        // Waiting is announced before looking once more, so a wake-up (a publish, the end, a cancel) between the
        // look and the park is not lost: either the waker sees the announcement or this sees what it did.
        Interlocked.Exchange(ref _waiting, 1);
        var parks = !_ended && !cancellationToken.IsCancellationRequested && (_broadcast is not { } broadcast || broadcast.Park(this, _next, _nextControl));
        if (!parks && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            return new ValueTask<bool>(true);
        }

        return new ValueTask<bool>(this, _wait.Version);
    }

    private static FeedItem<object> Gap(FeedItem<object> next, long skipped) => next with
    {
        Data = new FeedControl(
            FeedControlKind.Gap,
            $"{skipped} items of feed '{next.Feed}' were skipped because this reader fell behind; the next item is seq {next.Sequence}.",
            skipped),
    };
}
