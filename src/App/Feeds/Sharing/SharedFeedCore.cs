using System.Diagnostics;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Formatting;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// A shared feed, the same for every engine: its runs, from the first reader (or the first after a run ended) to the
/// last one leaving plus the feed's linger; joining readers, replay then live without duplicates; turning the store's
/// entries into items and every control record (<c>gap</c>, <c>reset</c>, <c>engine</c>); the state counters; and a
/// run's failure, logged once and handed to that run's readers after what they were given. An engine supplies its
/// storage and ordering (<see cref="Store"/>) and what a run does (<see cref="RunAsync"/>): produce, and hand what
/// the store took to <see cref="Ready"/>, <see cref="Deliver(SharedFeedRun, FeedLogEntry)"/>,
/// <see cref="StartedOver"/> and <see cref="Announce"/>.
/// </summary>
/// <remarks>
/// Each run is a <see cref="SharedFeedRun"/> that this feed alone creates, changes (under <see cref="Gate"/>) and
/// disposes. It starts only once the host's task group has taken it, so a host that is stopping leaves the feed as
/// it was; a subscribe that finds no run, or one that is stopping, starts a new one; a run's end ends only its own
/// readers. A run knows where the store is once it has read its head (<see cref="Ready"/>); readers who join before
/// then wait for it to start their numbering and, if they resume, their replay.
/// </remarks>
public abstract class SharedFeedCore : ISubscriptionOwner
{
    private readonly TaskGroup _host;
    private readonly ILogger _logger;
    private readonly JoiningReaders _joining = new();

    // Writes each published item's record once, under the gate.
    private readonly NdjsonFormatter _records = new(FeedJson.Options);
    private SharedFeedRun? _run;
    private FeedReplay? _replay;

    // The current run's place in the store, under the gate: set when the run has read the store's head.
    private bool _ready;
    private long _position;
    private string _epoch = "";

    // While the storage is unavailable, the record that said so: a reader joining meanwhile gets it at once.
    private FeedItem<object>? _engineNotice;

    private protected SharedFeedCore(FeedDefinition feed, TaskGroup host, TimeProvider time, StreamStats stats, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(stats);
        Feed = feed;
        _host = host;
        Time = time;
        Stats = stats;
        _logger = logger;
        Counters = stats.SharedFeed(feed.Name);
    }

    /// <summary>The engine's storage and ordering of this feed.</summary>
    private protected abstract IFeedStore Store { get; }

    /// <summary>Where the feed is now, in its store.</summary>
    internal Task<FeedPosition> HeadAsync(CancellationToken cancellationToken) => Store.HeadAsync(cancellationToken);

    /// <summary>Whether a reader resuming after <paramref name="after"/> would get every item since: same numbering, not ahead, and history keeps them all.</summary>
    internal async Task<bool> KeepsAsync(FeedPosition after, CancellationToken cancellationToken)
    {
        var head = await Store.HeadAsync(cancellationToken);
        if (after.IsFromAnotherEpoch(head.Epoch!) || after.Sequence > head.Sequence)
        {
            return false;
        }

        return after.Sequence == head.Sequence || after.Sequence + 1 >= await Store.WindowStartAsync(head.Sequence, cancellationToken);
    }

    /// <summary>Reads the store on readers' behalf.</summary>
    internal FeedReplay Replay => _replay ??= new FeedReplay(Feed, Store, Time);

    private protected FeedDefinition Feed { get; }

    private protected TimeProvider Time { get; }

    private protected StreamStats Stats { get; }

    private protected SharedFeedCounters Counters { get; }

    /// <summary>Guards the runs and their readers, and whatever the engine keeps with them.</summary>
    private protected Lock Gate { get; } = new();

    /// <summary>
    /// Adds a reader. Resuming after a position (<paramref name="start"/>), it first gets the items after it that are
    /// still in the store's window, with a <c>reset</c> for the numbers that are not (or for a position from another
    /// epoch, or ahead of the feed); with a tail, it first gets the newest items the window keeps. While the server is stopping, the reader's stream ends at once with an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="start">Live, the position to resume after, or how many of the newest items in history to begin with.</param>
    /// <param name="extraBuffer">Items the reader may hold beyond the feed's <see cref="FeedDefinition.SubscriberBuffer"/>.</param>
    public SharedFeedReader Subscribe(FeedStart start, int extraBuffer = 0)
    {
        lock (Gate)
        {
            if (start.Replays && Store.AnswersAtOnce)
            {
                return ResumeNow(start, extraBuffer);
            }

            var reader = new FeedSubscription(this, Feed.Name, Feed.SubscriberBuffer + extraBuffer + ReplayRoom(start), Feed.Overflow, startsAfter: 0);
            if (!Join(reader))
            {
                return new SharedFeedReader(this, reader, start, Task.FromResult<FeedPosition?>(null), notice: null);
            }

            // Its numbering continues from the run's position (joining may have started the run and set it).
            reader.StartAfter(_position);

            // A live reader has the outage notice first in its own queue; a resuming one gets it before its replay.
            var notice = _engineNotice;
            if (notice is not null && !start.Replays)
            {
                reader.Replay([notice]);
            }

            if (_ready)
            {
                return new SharedFeedReader(this, reader, start, Task.FromResult<FeedPosition?>(new FeedPosition(_position, _epoch)), notice);
            }

            return new SharedFeedReader(this, reader, start, _joining.Add(reader), notice);
        }
    }

    /// <summary>Reads the feed for as long as the enumeration lasts (see <see cref="Subscribe"/>); leaving unsubscribes.</summary>
    public IAsyncEnumerable<FeedItem<object>> SubscribeAsync(FeedStart start, int extraBuffer, CancellationToken cancellationToken) =>
        new SharedFeedItems(this, start, extraBuffer, cancellationToken);

    /// <summary>The feed's history window, oldest first (for exports).</summary>
    public IAsyncEnumerable<FeedItem<object>> HistoryAsync(CancellationToken cancellationToken) => Replay.HistoryAsync(cancellationToken);

    /// <summary>The run has read the store's head: readers who joined before now start after it.</summary>
    internal void Ready(SharedFeedRun run, FeedPosition head)
    {
        lock (Gate)
        {
            if (!IsCurrent(run))
            {
                return;
            }

            (_ready, _position, _epoch) = (true, head.Sequence, head.Epoch!);
            Counters.SetSequence(_position);
            _joining.Start(run, head);
        }
    }

    /// <summary>The run's position: the last sequence it handed its readers, and its epoch.</summary>
    internal FeedPosition Position()
    {
        lock (Gate)
        {
            return new FeedPosition(_position, _epoch);
        }
    }

    /// <summary>Hands entries the store took, in order, to the run's readers.</summary>
    /// <returns>Whether an entry ended the run's source (or the run is over), and its failure, if any.</returns>
    internal (bool Ended, Exception? Failure) Deliver(SharedFeedRun run, IReadOnlyList<FeedLogEntry> entries)
    {
        lock (Gate)
        {
            foreach (var entry in entries)
            {
                if (Deliver(run, entry) is { Ended: true } ended)
                {
                    return ended;
                }
            }

            return (!IsCurrent(run), null);
        }
    }

    /// <summary>Hands one entry the store took to the run's readers (see <see cref="Deliver(SharedFeedRun, IReadOnlyList{FeedLogEntry})"/>).</summary>
    internal (bool Ended, Exception? Failure) Deliver(SharedFeedRun run, FeedLogEntry entry)
    {
        lock (Gate)
        {
            if (!IsCurrent(run))
            {
                return (true, null);
            }

            // Numbers the run never saw (trimmed before it read them) are said, so every number is accounted for.
            if (entry.Sequence > _position + 1)
            {
                run.Offer(Replay.Trimmed(_position, entry.Sequence, _epoch));
            }

            _position = entry.Sequence;
            Counters.SetSequence(_position);
            switch (entry.Kind)
            {
                case FeedLogEntryKind.End:
                    return (true, null);
                case FeedLogEntryKind.Failure:
                    var message = entry.Note ?? $"Feed '{Feed.Name}' failed.";
                    return (true, new FeedFailedException(Feed.Name, new InvalidOperationException(message), message).AsLogged());
            }

            if (entry.Note is { } note)
            {
                run.Offer(Replay.GapBefore(entry, note, _epoch));
            }

            if (entry.Data is UpstreamStatus status && FeedStates.Of(status) is { } state)
            {
                // Only the connection's state is the feed's state; a skipped malformed message is an event.
                Counters.State = state;
            }

            var item = Replay.ItemOf(entry, _epoch);
            // Written once for every reader: the raw streams and exports copy these bytes.
            run.Offer(item with { RecordJson = _records.EncodeItemJson(item) });
            return (false, null);
        }
    }

    /// <summary>The store's numbering started over under the run (a new epoch): readers get a <c>reset</c> and continue live.</summary>
    internal void StartedOver(SharedFeedRun run, FeedPosition head)
    {
        lock (Gate)
        {
            if (!IsCurrent(run))
            {
                return;
            }

            var reset = FeedRecords.StartedOver(Feed, _epoch, head.Sequence, head.Epoch!, Time.GetUtcNow());
            (_position, _epoch) = (head.Sequence, head.Epoch!);
            run.Offer(reset);
        }
    }

    /// <summary>Tells the run's readers, and readers who join until it is back, that the storage became unavailable or recovered.</summary>
    internal void Announce(SharedFeedRun run, bool available)
    {
        lock (Gate)
        {
            if (!IsCurrent(run))
            {
                return;
            }

            Counters.State = available ? FeedState.Running : FeedState.Unavailable;
            var record = FeedRecords.Engine(Feed, available, _position, _epoch, Time.GetUtcNow());
            _engineNotice = available ? null : record;
            run.Offer(record);
        }
    }

    // Under the gate, from a store that answers at once: the replay is read while the reader joins, so it is the
    // window as it is now, and the live items follow it with nothing between and nothing twice.
    private SharedFeedReader ResumeNow(FeedStart from, int extraBuffer)
    {
        var start = Replay.HeadNow();
        var position = from.After ?? Replay.TailNow(from.Tail, start);
        long skipThrough = 0;
        var replay = from.After is not null
            ? Replay.ReplayNow(position, start, sequence => skipThrough = sequence)
            : Replay.TailReplayNow(position, start, sequence => skipThrough = sequence);
        // Live items wait behind the replay: the reader may be that much further behind while it drains it.
        var reader = new FeedSubscription(this, Feed.Name, Feed.SubscriberBuffer + extraBuffer + replay.Count, Feed.Overflow, startsAfter: 0);
        if (!Join(reader))
        {
            return new SharedFeedReader(this, reader, FeedStart.Live, Task.FromResult<FeedPosition?>(null), notice: null);
        }

        // Its numbering continues from its position (a reset in the replay moves it), or the head if that is not one of
        // this epoch's. A tail's continues from just before its first item: the numbers before it were not asked for.
        var firstItem = from.After is null ? replay.Find(i => i.Data is not FeedControl) : null;
        reader.StartAfter(firstItem is not null
            ? firstItem.Sequence - 1
            : !position.IsFromAnotherEpoch(start.Epoch!) && position.Sequence <= start.Sequence ? position.Sequence : start.Sequence);
        reader.SkipThrough(skipThrough);
        reader.Replay(_engineNotice is { } notice ? [notice, .. replay] : replay);
        return new SharedFeedReader(this, reader, FeedStart.Live, Task.FromResult<FeedPosition?>(start), notice: null);
    }

    // Under the gate: the room a resuming reader's live items need while it replays: what it missed, at most a whole history.
    private int ReplayRoom(FeedStart start) => start switch
    {
        { After: { } position } when _ready && !position.IsFromAnotherEpoch(_epoch) => (int)Math.Clamp(_position - position.Sequence, 0, Feed.HistoryLength),
        { After: not null } => Feed.HistoryLength,
        { Tail: > 0 and var tail } => Math.Min(tail, Feed.HistoryLength),
        _ => 0,
    };

    /// <summary>The run readers join now, if there is one that is not stopping; under <see cref="Gate"/>.</summary>
    private protected SharedFeedRun? CurrentRun => _run is { IsStopping: false } run ? run : null;

    /// <summary>Whether <paramref name="run"/> is the one readers join and may still publish; under <see cref="Gate"/>.</summary>
    private protected bool IsCurrent(SharedFeedRun run) => !run.IsStopping && ReferenceEquals(run, _run);

    // Under the gate: adds the reader to the current run, starting one if there is none or it is stopping. False while
    // the server stops: the reader is ended at once.
    private bool Join(FeedSubscription reader)
    {
        var run = CurrentRun ?? TryStartRun();
        if (run is null)
        {
            reader.Complete(new OperationCanceledException($"The server is stopping; feed '{Feed.Name}' takes no new readers.", _host.Token));
            return false;
        }

        run.Add(reader);
        Counters.SetSubscribers(run.SubscriberCount);
        return true;
    }

    /// <summary>What a run does until it is stopped (its readers left, the server stops) or its source ends or fails.</summary>
    private protected abstract Task RunAsync(SharedFeedRun run, CancellationToken stop);

    /// <summary>Under <see cref="Gate"/>: a run became the current one.</summary>
    private protected virtual void OnRunStarted(SharedFeedRun run)
    {
    }


    void ISubscriptionOwner.Unsubscribe(FeedSubscription subscription)
    {
        lock (Gate)
        {
            _joining.Forget(subscription);
            if (subscription.Run is not { } run || !run.Remove(subscription))
            {
                return;
            }

            if (ReferenceEquals(run, _run))
            {
                Counters.SetSubscribers(run.SubscriberCount);
            }

            if (run.SubscriberCount == 0 && !run.IsStopping)
            {
                RunLinger.Begin(run, _host, Feed.Linger, Time, Gate);
            }
        }
    }

    void ISubscriptionOwner.CountDropped(long items) => Counters.AddDropped(items);

    // Under the gate. The run becomes current only once the host has taken it.
    private SharedFeedRun? TryStartRun()
    {
        var run = new SharedFeedRun();
        if (_host.Token.IsCancellationRequested || !_host.TryStart(token => RunOnceAsync(run, token)))
        {
            run.Dispose();
            return null;
        }

        _run = run;
        // A new run knows nothing of the store yet, nor of an outage an earlier run saw.
        (_ready, _engineNotice) = (false, null);
        Counters.State = FeedState.Running;
        OnRunStarted(run);
        return run;
    }

    private async Task RunOnceAsync(SharedFeedRun run, CancellationToken hostToken)
    {
        // The run belongs to the feed, not to the reader whose subscribe started it: its spans (upstream attempts,
        // database commands) begin traces of their own instead of hanging off that reader's stream.
        Activity.Current = null;
        Exception? failure = null;
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(hostToken, run.Token);
            try
            {
                await RunAsync(run, stop.Token);
            }
            catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(stop.Token))
            {
                // Stopped after the last reader left, or the server is stopping.
            }
#pragma warning disable CA1031 // The run's failure goes to its readers (each stream reports it); it must not cancel the other shared feeds.
            catch (Exception error)
#pragma warning restore CA1031
            {
                failure = error;
            }
        }
        finally
        {
            Stopped(run, failure);
        }
    }

    // The run returned: its readers end with it, after what they were given (with its failure, if any).
    private void Stopped(SharedFeedRun run, Exception? failure)
    {
        lock (Gate)
        {
            run.End(failure is null ? null : LoggedOnce(failure, run.SubscriberCount));
            var wasCurrent = ReferenceEquals(_run, run);
            if (wasCurrent)
            {
                _run = null;
                Counters.State = FeedState.Idle;
                Counters.SetSubscribers(0);
            }

            _joining.Forget(run);

            if (wasCurrent)
            {
                (_ready, _engineNotice) = (false, null);
            }
        }

        run.Dispose();
    }

    // One failure, logged once here, however many readers it ends; their streams only say so.
    private Exception LoggedOnce(Exception failure, int readers)
    {
        if (failure is FeedFailedException { FailureLogged: true })
        {
            return failure;
        }

        var named = failure as FeedFailedException;
        SharedFeedLog.FeedFailed(_logger, Feed.Name, readers, named?.InnerException ?? failure);
        return named?.AsLogged() ?? failure;
    }
}
