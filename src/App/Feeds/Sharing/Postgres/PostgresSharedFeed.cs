using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// One shared feed on this instance, with the PostgreSQL engine. While it has readers here, a run reads
/// the feed's log (one reader per feed per instance, woken by <c>NOTIFY</c>) and hands each new row to
/// every reader's bounded buffer, and competes to be the feed's producer. Readers resuming from a position
/// get the rows after it straight from the log first, then join the live rows.
/// </summary>
/// <remarks>
/// Like the memory engine's feed, each run is a <see cref="SharedFeedRun"/> this feed alone creates, changes
/// (under its lock) and disposes. The position the run has handed out, and the epoch it belongs to, are
/// known once the run has read the feed's head; readers that join before then wait for it.
/// </remarks>
internal sealed class PostgresSharedFeed : ISubscriptionOwner
{
    private readonly FeedDefinition _feed;
    private readonly PostgresFeedContext _context;
    private readonly SharedFeedCounters _counters;
    private readonly Lock _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<(FeedSubscription Subscription, TaskCompletionSource<FeedPosition?> Joined)> _waiting = [];
    private SharedFeedRun? _run;

    // The current run's place in the log, under the lock: set when the run has read the feed's head.
    private bool _ready;
    private long _position;
    private string _epoch = "";

    // While the database is unavailable, the record that said so: a reader joining meanwhile gets it at once.
    private FeedItem<object>? _engineNotice;

    public PostgresSharedFeed(FeedDefinition feed, PostgresFeedContext context)
    {
        _feed = feed;
        _context = context;
        _counters = context.Stats.SharedFeed(feed.Name);
    }

    /// <summary>The log grew (a notification), or the listener is back: read it now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public async IAsyncEnumerable<FeedItem<object>> SubscribeAsync(FeedPosition? after, int extraBuffer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (subscription, joined, notice) = Join(replaying: after is not null, extraBuffer);
        using (subscription)
        {
            // A resuming reader replays once the run knows where the log is, which waits for the database; it is told
            // at once if the database is down (a live reader has the notice first in its own queue).
            if (after is { } position)
            {
                if (notice is not null)
                {
                    yield return notice;
                }

                if (await joined.WaitAsync(cancellationToken) is { } start)
                {
                    await foreach (var item in ReplayAsync(subscription, position, start, cancellationToken))
                    {
                        yield return item;
                    }
                }
            }

            await foreach (var item in subscription.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
    }

    void ISubscriptionOwner.Unsubscribe(FeedSubscription subscription)
    {
        lock (_gate)
        {
            ForgetWaiting(subscription);
            if (subscription.Run is not { } run || !run.Remove(subscription))
            {
                return;
            }

            if (ReferenceEquals(run, _run))
            {
                _counters.SetSubscribers(run.SubscriberCount);
            }

            if (run.SubscriberCount == 0 && !run.IsStopping)
            {
                RunLinger.Begin(run, _context.Host, _feed.Linger, _context.Time, _gate);
            }
        }
    }

    void ISubscriptionOwner.CountDropped(long items) => _counters.AddDropped(items);

    // Adds a reader to the current run (starting one if there is none); the task gives the position its
    // live items start after, or null when it has none (the server is stopping, or the run ended first).
    private (FeedSubscription Subscription, Task<FeedPosition?> Joined, FeedItem<object>? Notice) Join(bool replaying, int extraBuffer)
    {
        lock (_gate)
        {
            // Live items wait in the buffer while a resuming reader replays from the log: room for a whole history.
            var capacity = _feed.SubscriberBuffer + extraBuffer + (replaying ? _feed.HistoryLength : 0);
            var subscription = new FeedSubscription(this, _feed.Name, capacity, _feed.Overflow, _position);
            var run = _run is { IsStopping: false } current ? current : TryStartRun();
            if (run is null)
            {
                subscription.Complete(new OperationCanceledException($"The server is stopping; feed '{_feed.Name}' takes no new readers.", _context.Host.Token));
                return (subscription, Task.FromResult<FeedPosition?>(null), null);
            }

            run.Add(subscription);
            _counters.SetSubscribers(run.SubscriberCount);
            var notice = _engineNotice;
            if (notice is not null && !replaying)
            {
                subscription.Replay([notice]);
            }

            if (_ready)
            {
                return (subscription, Task.FromResult<FeedPosition?>(new FeedPosition(_position, _epoch)), notice);
            }

            var joined = new TaskCompletionSource<FeedPosition?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((subscription, joined));
            return (subscription, joined.Task, notice);
        }
    }

    // The rows after the reader's position up to where its live items start, from the log.
    private async IAsyncEnumerable<FeedItem<object>> ReplayAsync(FeedSubscription subscription, FeedPosition position, FeedPosition start, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var epoch = start.Epoch!;
        if (position.IsFromAnotherEpoch(epoch))
        {
            yield return Reset(start.Sequence, epoch, $"Position {position} is from another epoch of feed '{_feed.Name}' (its log was created afresh, now epoch {epoch}); resuming live after seq {start.Sequence}.");
            yield break;
        }

        if (position.Sequence > start.Sequence)
        {
            var head = await ReadOrWaitAsync(token => _context.Log.OpenFeedAsync(_feed.Name, token), cancellationToken);
            if (position.Sequence > head.LastSequence)
            {
                yield return Reset(start.Sequence, epoch, $"Position {position.Sequence} is ahead of feed '{_feed.Name}', which is at {head.LastSequence}; resuming live.");
                yield break;
            }

            // Another instance handed the reader items this one has not read yet: they come live, skipped up to its position.
            subscription.SkipThrough(position.Sequence);
            yield break;
        }

        var windowStart = await ReadOrWaitAsync(token => _context.Log.WindowStartAsync(_feed, start.Sequence, token), cancellationToken);
        var cursor = position.Sequence;
        if (windowStart > cursor + 1)
        {
            yield return Reset(windowStart - 1, epoch, Trimmed(windowStart - cursor - 1, cursor, windowStart));
            cursor = windowStart - 1;
        }

        // Pages of the log, each read again from its start if the database goes away meanwhile.
        while (cursor < start.Sequence)
        {
            var from = cursor;
            var rows = await ReadOrWaitAsync(token => _context.Log.ReadAsync(_feed.Name, from, PostgresFeedLog.PageSize, token, upTo: start.Sequence), cancellationToken);
            foreach (var row in rows)
            {
                if (row.Sequence > cursor + 1)
                {
                    yield return Reset(row.Sequence - 1, epoch, Trimmed(row.Sequence - cursor - 1, cursor, row.Sequence));
                }

                cursor = row.Sequence;
                foreach (var item in ItemsOf(row, epoch))
                {
                    yield return item;
                }
            }

            if (rows.Count < PostgresFeedLog.PageSize)
            {
                break;
            }
        }
    }

    // A replay waits out an outage, as the live part of its stream does, instead of ending the stream.
    private Task<T> ReadOrWaitAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        RetryWithBackoff.RunAsync((_, token) => read(token), PostgresFailure.IsUnavailable, onRetry: (_, _) => { }, _context.Options.ReconnectMaxDelay, _context.Time, cancellationToken);

    // A data row becomes an item (after a gap record if its producer took over uncleanly); a row that ended
    // the source is nothing to replay.
    private IEnumerable<FeedItem<object>> ItemsOf(PostgresLogRow row, string epoch)
    {
        if (row.Kind is PostgresRowKind.Failure or PostgresRowKind.End)
        {
            yield break;
        }

        if (row.Gap is { } gap)
        {
            yield return new FeedItem<object>(_feed.Name, row.Sequence - 1, row.Timestamp, new FeedControl(FeedControlKind.Gap, gap)) { Epoch = epoch };
        }

        var data = PostgresRowCodec.Decode(row);
        // One encoding for every reader on this instance; JSON rows already hold the bytes the wire carries.
        var json = row.Kind == PostgresRowKind.Json ? System.Text.Encoding.UTF8.GetBytes(row.Data) : FeedJson.Encode(data);
        yield return new FeedItem<object>(_feed.Name, row.Sequence, row.Timestamp, data) { Epoch = epoch, DataJson = json };
    }

    private string Trimmed(long count, long after, long next) =>
        $"{count} items of feed '{_feed.Name}' after seq {after} are no longer in history (it keeps the last {_feed.HistoryLength} items{(_feed.HistoryRetention is { } retention ? $", for {retention}" : "")}); resuming from seq {next}.";

    private FeedItem<object> Reset(long sequence, string epoch, string message) =>
        new(_feed.Name, sequence, _context.Time.GetUtcNow(), new FeedControl(FeedControlKind.Reset, message)) { Epoch = epoch };

    // Called under the lock.
    private SharedFeedRun? TryStartRun()
    {
        var run = new SharedFeedRun();
        if (_context.Host.Token.IsCancellationRequested || !_context.Host.TryStart(token => RunAsync(run, token)))
        {
            run.Dispose();
            return null;
        }

        _run = run;
        _ready = false;
        _counters.State = FeedState.Running;
        return run;
    }

    // A run reads the log and competes to produce, until its readers are gone, the source ended or failed
    // (the log says so), or the server stops.
    private async Task RunAsync(SharedFeedRun run, CancellationToken hostToken)
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
                await using var group = new TaskGroup(stop.Token);
                var producer = new PostgresFeedProducer(_context, _feed, _counters);
                group.Start(producer.RunAsync);
                group.Start(async token =>
                {
                    failure = await new PostgresFeedTail(this, run, _context, _feed).RunAsync(token);
                    group.Cancel();
                });
            }
            catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(stop.Token))
            {
                // Readers left, the source ended, or the server is stopping.
            }
#pragma warning disable CA1031 // A run's failure goes to its readers; it must not cancel the other shared feeds.
            catch (Exception error)
#pragma warning restore CA1031
            {
                failure = error;
                SharedFeedLog.FeedFailed(_context.Logger, _feed.Name, run.SubscriberCount, error);
            }
        }
        finally
        {
            Stopped(run, failure);
        }
    }

    private void Stopped(SharedFeedRun run, Exception? failure)
    {
        lock (_gate)
        {
            run.End(failure is FeedFailedException named ? named.AsLogged() : failure);
            foreach (var (subscription, joined) in _waiting.Where(w => ReferenceEquals(w.Subscription.Run, run)).ToList())
            {
                ForgetWaiting(subscription);
                joined.TrySetResult(null);
            }

            if (ReferenceEquals(_run, run))
            {
                _run = null;
                _ready = false;
                _engineNotice = null;
                _counters.State = FeedState.Idle;
                _counters.SetSubscribers(0);
            }
        }

        run.Dispose();
    }

    private void ForgetWaiting(FeedSubscription subscription)
    {
        var index = _waiting.FindIndex(w => ReferenceEquals(w.Subscription, subscription));
        if (index >= 0)
        {
            _waiting[index].Joined.TrySetResult(null);
            _waiting.RemoveAt(index);
        }
    }

    /// <summary>The run has read the feed's head: readers who joined before now start after it.</summary>
    internal void Ready(SharedFeedRun run, PostgresFeedHead head)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(run, _run))
            {
                return;
            }

            (_ready, _position, _epoch) = (true, head.LastSequence, head.Epoch);
            _counters.SetSequence(_position);
            foreach (var (subscription, joined) in _waiting.Where(w => ReferenceEquals(w.Subscription.Run, run)).ToList())
            {
                subscription.StartAfter(_position);
                _waiting.Remove((subscription, joined));
                joined.TrySetResult(new FeedPosition(_position, _epoch));
            }
        }
    }

    /// <summary>The run's position: the last sequence it handed its readers, and its epoch.</summary>
    internal FeedPosition Position()
    {
        lock (_gate)
        {
            return new FeedPosition(_position, _epoch);
        }
    }

    /// <summary>Hands rows read from the log to the run's readers; returns the failure a terminal row carries, or null.</summary>
    internal (bool Ended, Exception? Failure) Publish(SharedFeedRun run, IReadOnlyList<PostgresLogRow> rows)
    {
        lock (_gate)
        {
            if (run.IsStopping || !ReferenceEquals(run, _run))
            {
                return (true, null);
            }

            foreach (var row in rows)
            {
                if (row.Sequence > _position + 1)
                {
                    run.Offer(Reset(row.Sequence - 1, _epoch, Trimmed(row.Sequence - _position - 1, _position, row.Sequence)));
                }

                _position = row.Sequence;
                _counters.SetSequence(_position);
                if (row.Kind == PostgresRowKind.End)
                {
                    return (true, null);
                }

                if (row.Kind == PostgresRowKind.Failure)
                {
                    return (true, new FeedFailedException(_feed.Name, new InvalidOperationException(row.Data), row.Data).AsLogged());
                }

                foreach (var item in ItemsOf(row, _epoch))
                {
                    if (item.Data is UpstreamStatus status && FeedStates.Of(status) is { } state)
                    {
                        _counters.State = state;
                    }

                    run.Offer(item);
                }
            }

            return (false, null);
        }
    }

    /// <summary>The log started over under the run (a new epoch): readers get a reset and continue live.</summary>
    internal void EpochChanged(SharedFeedRun run, PostgresFeedHead head)
    {
        lock (_gate)
        {
            if (run.IsStopping || !ReferenceEquals(run, _run))
            {
                return;
            }

            var message = $"The log of feed '{_feed.Name}' started over (epoch {_epoch} is gone, now {head.Epoch}: the database was replaced or its tables dropped); resuming live after seq {head.LastSequence}.";
            (_position, _epoch) = (head.LastSequence, head.Epoch);
            run.Offer(Reset(_position, _epoch, message));
        }
    }

    /// <summary>Tells the run's readers that the database became unavailable or recovered.</summary>
    internal void Announce(SharedFeedRun run, string status, string message)
    {
        lock (_gate)
        {
            if (run.IsStopping || !ReferenceEquals(run, _run))
            {
                return;
            }

            _counters.State = status == "unavailable" ? FeedState.Unavailable : FeedState.Running;
            var record = new FeedItem<object>(_feed.Name, _position, _context.Time.GetUtcNow(), new FeedControl(FeedControlKind.Engine, message) { Status = status }) { Epoch = _epoch };
            _engineNotice = status == "unavailable" ? record : null;
            run.Offer(record);
        }
    }

    /// <summary>Waits for a notification, or the poll interval.</summary>
    internal async Task WaitForWakeAsync(CancellationToken cancellationToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(_context.Options.PollInterval);
        try
        {
            await _wake.Reader.ReadAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Polled.
        }
    }

}
