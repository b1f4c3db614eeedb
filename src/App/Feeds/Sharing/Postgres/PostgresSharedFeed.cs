using System.Runtime.CompilerServices;
using System.Threading.Channels;
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
internal sealed class PostgresSharedFeed : SharedFeedCore
{
    private readonly PostgresFeedContext _context;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<(FeedSubscription Subscription, TaskCompletionSource<FeedPosition?> Joined)> _waiting = [];

    // The current run's place in the log, under the lock: set when the run has read the feed's head.
    private bool _ready;
    private long _position;
    private string _epoch = "";

    // While the database is unavailable, the record that said so: a reader joining meanwhile gets it at once.
    private FeedItem<object>? _engineNotice;

    public PostgresSharedFeed(FeedDefinition feed, PostgresFeedContext context)
        : base(feed, context.Host, context.Time, context.Stats, context.Logger)
    {
        _context = context;
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

    private protected override void OnReaderLeft(FeedSubscription reader) => ForgetWaiting(reader);

    // Adds a reader to the current run (starting one if there is none); the task gives the position its
    // live items start after, or null when it has none (the server is stopping, or the run ended first).
    private (FeedSubscription Subscription, Task<FeedPosition?> Joined, FeedItem<object>? Notice) Join(bool replaying, int extraBuffer)
    {
        lock (Gate)
        {
            // Live items wait in the buffer while a resuming reader replays from the log: room for a whole history.
            var subscription = NewReader(extraBuffer + (replaying ? Feed.HistoryLength : 0), _position);
            if (!Join(subscription))
            {
                return (subscription, Task.FromResult<FeedPosition?>(null), null);
            }
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
            yield return FeedRecords.AnotherEpoch(Feed, position.ToString(), start.Sequence, epoch, Time.GetUtcNow());
            yield break;
        }

        if (position.Sequence > start.Sequence)
        {
            var head = await ReadOrWaitAsync(token => _context.Log.OpenFeedAsync(Feed.Name, token), cancellationToken);
            if (position.Sequence > head.LastSequence)
            {
                yield return FeedRecords.Ahead(Feed, position.Sequence, head.LastSequence, epoch, Time.GetUtcNow());
                yield break;
            }

            // Another instance handed the reader items this one has not read yet: they come live, skipped up to its position.
            subscription.SkipThrough(position.Sequence);
            yield break;
        }

        var windowStart = await ReadOrWaitAsync(token => _context.Log.WindowStartAsync(Feed, start.Sequence, token), cancellationToken);
        var cursor = position.Sequence;
        if (windowStart > cursor + 1)
        {
            yield return FeedRecords.Trimmed(Feed, cursor, windowStart, epoch, Time.GetUtcNow(), boundedByBytes: false);
            cursor = windowStart - 1;
        }

        // Pages of the log, each read again from its start if the database goes away meanwhile.
        while (cursor < start.Sequence)
        {
            var from = cursor;
            var rows = await ReadOrWaitAsync(token => _context.Log.ReadAsync(Feed.Name, from, PostgresFeedLog.PageSize, token, upTo: start.Sequence), cancellationToken);
            foreach (var row in rows)
            {
                if (row.Sequence > cursor + 1)
                {
                    yield return FeedRecords.Trimmed(Feed, cursor, row.Sequence, epoch, Time.GetUtcNow(), boundedByBytes: false);
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

        // Trimmed while the replay paged through: what it could not read is said, before the live items.
        if (cursor < start.Sequence)
        {
            yield return FeedRecords.Trimmed(Feed, cursor, start.Sequence + 1, epoch, Time.GetUtcNow(), boundedByBytes: false);
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
            yield return new FeedItem<object>(Feed.Name, row.Sequence - 1, row.Timestamp, new FeedControl(FeedControlKind.Gap, gap)) { Epoch = epoch };
        }

        var data = PostgresRowCodec.Decode(row);
        // One encoding for every reader on this instance; JSON rows already hold the bytes the wire carries.
        var json = row.Kind == PostgresRowKind.Json ? System.Text.Encoding.UTF8.GetBytes(row.Data) : FeedJson.Encode(data);
        yield return new FeedItem<object>(Feed.Name, row.Sequence, row.Timestamp, data) { Epoch = epoch, DataJson = json };
    }

    // A new run knows nothing of the log yet, nor of an outage an earlier run saw.
    private protected override void OnRunStarted(SharedFeedRun run) => (_ready, _engineNotice) = (false, null);

    // A run reads the log and competes to produce, until its readers are gone, the source ended or failed
    // (the log says so), or the server stops.
    private protected override async Task RunAsync(SharedFeedRun run, CancellationToken stop)
    {
        Exception? ended = null;
        await using (var group = new TaskGroup(stop))
        {
            var producer = new PostgresFeedProducer(_context, Feed, Counters);
            group.Start(producer.RunAsync);
            group.Start(async token =>
            {
                ended = await new PostgresFeedTail(this, run, _context, Feed).RunAsync(token);
                group.Cancel();
            });
        }

        if (ended is not null)
        {
            throw ended;
        }
    }

    private protected override void OnRunEnded(SharedFeedRun run, bool wasCurrent)
    {
        foreach (var (subscription, joined) in _waiting.Where(w => ReferenceEquals(w.Subscription.Run, run)).ToList())
        {
            ForgetWaiting(subscription);
            joined.TrySetResult(null);
        }

        if (wasCurrent)
        {
            _ready = false;
            _engineNotice = null;
        }
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
        lock (Gate)
        {
            if (!ReferenceEquals(run, CurrentRun))
            {
                return;
            }

            (_ready, _position, _epoch) = (true, head.LastSequence, head.Epoch);
            Counters.SetSequence(_position);
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
        lock (Gate)
        {
            return new FeedPosition(_position, _epoch);
        }
    }

    /// <summary>Hands rows read from the log to the run's readers; returns the failure a terminal row carries, or null.</summary>
    internal (bool Ended, Exception? Failure) Publish(SharedFeedRun run, IReadOnlyList<PostgresLogRow> rows)
    {
        lock (Gate)
        {
            if (run.IsStopping || !ReferenceEquals(run, CurrentRun))
            {
                return (true, null);
            }

            foreach (var row in rows)
            {
                if (row.Sequence > _position + 1)
                {
                    run.Offer(FeedRecords.Trimmed(Feed, _position, row.Sequence, _epoch, Time.GetUtcNow(), boundedByBytes: false));
                }

                _position = row.Sequence;
                Counters.SetSequence(_position);
                if (row.Kind == PostgresRowKind.End)
                {
                    return (true, null);
                }

                if (row.Kind == PostgresRowKind.Failure)
                {
                    return (true, new FeedFailedException(Feed.Name, new InvalidOperationException(row.Data), row.Data).AsLogged());
                }

                foreach (var item in ItemsOf(row, _epoch))
                {
                    if (item.Data is UpstreamStatus status && FeedStates.Of(status) is { } state)
                    {
                        Counters.State = state;
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
        lock (Gate)
        {
            if (run.IsStopping || !ReferenceEquals(run, CurrentRun))
            {
                return;
            }

            var reset = FeedRecords.StartedOver(Feed, _epoch, head.LastSequence, head.Epoch, Time.GetUtcNow());
            (_position, _epoch) = (head.LastSequence, head.Epoch);
            run.Offer(reset);
        }
    }

    /// <summary>Tells the run's readers that the database became unavailable or recovered.</summary>
    internal void Announce(SharedFeedRun run, string status)
    {
        lock (Gate)
        {
            if (run.IsStopping || !ReferenceEquals(run, CurrentRun))
            {
                return;
            }

            var available = status != "unavailable";
            Counters.State = available ? FeedState.Running : FeedState.Unavailable;
            var record = FeedRecords.Engine(Feed, available, _position, _epoch, Time.GetUtcNow());
            _engineNotice = available ? null : record;
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
