using System.Diagnostics;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// One feed, one producer, any number of readers. The first subscriber starts a run of the producer as a
/// child of the host's task group; the last one leaving stops it after the feed's linger. Items are numbered
/// here, once, so every reader sees the same sequence and can resume from it out of the history ring.
/// </summary>
/// <remarks>
/// Each run of the producer is a <see cref="SharedFeedRun"/> that this feed alone creates, changes (under its
/// lock) and disposes. A subscribe that finds no run, or one that is stopping, starts a new one; a run's end
/// ends only its own subscribers.
/// </remarks>
public sealed class MemorySharedFeed : ISubscriptionOwner
{
    private readonly FeedDefinition _feed;
    private readonly Func<CancellationToken, IAsyncEnumerable<object>> _open;
    private readonly TaskGroup _host;
    private readonly TimeProvider _timeProvider;
    private readonly StreamStats _stats;
    private readonly SharedFeedCounters _counters;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly FeedHistory _history;
    private readonly string _epoch = FeedEpoch.New();
    private long _sequence;
    private SharedFeedRun? _run;

    internal MemorySharedFeed(FeedDefinition feed, Func<CancellationToken, IAsyncEnumerable<object>> open, TaskGroup host, TimeProvider timeProvider, StreamStats stats, ILogger logger)
    {
        _logger = logger;
        _feed = feed;
        _open = open;
        _host = host;
        _timeProvider = timeProvider;
        _stats = stats;
        _counters = stats.SharedFeed(feed.Name);
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
        lock (_gate)
        {
            var replay = after is { } position ? Replay(position) : [];
            // A resuming reader's numbering continues from its position (a reset moves it); a new one's from the feed's last item.
            var startsAfter = after is { } resumed && !resumed.IsFromAnotherEpoch(_epoch) && resumed.Sequence <= _sequence ? resumed.Sequence : _sequence;
            var subscription = new FeedSubscription(this, _feed.Name, _feed.SubscriberBuffer + extraBuffer, _feed.Overflow, startsAfter);
            var run = _run is { IsStopping: false } current ? current : TryStartRun();
            if (run is null)
            {
                subscription.Complete(new OperationCanceledException($"The server is stopping; feed '{_feed.Name}' takes no new readers.", _host.Token));
                return subscription;
            }

            subscription.Replay(replay);
            run.Add(subscription);
            _counters.SetSubscribers(run.SubscriberCount);
            return subscription;
        }
    }

    /// <summary>The history ring, oldest first (for exports).</summary>
    public IReadOnlyList<FeedItem<object>> History()
    {
        lock (_gate)
        {
            Expire();
            return _history.All();
        }
    }

    void ISubscriptionOwner.Unsubscribe(FeedSubscription subscription)
    {
        lock (_gate)
        {
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
                RunLinger.Begin(run, _host, _feed.Linger, _timeProvider, _gate);
            }
        }
    }

    void ISubscriptionOwner.CountDropped(long items) => _counters.AddDropped(items);

    private List<FeedItem<object>> Replay(FeedPosition position)
    {
        var items = new List<FeedItem<object>>();
        Expire();
        var oldest = _history.OldestSequence;
        var after = position.Sequence;
        if (position.IsFromAnotherEpoch(_epoch))
        {
            items.Add(Reset(_sequence, $"Position {position} is from another epoch of feed '{_feed.Name}' (the server restarted, so its numbering started over at epoch {_epoch}); resuming live at seq {_sequence}."));
            return items;
        }

        if (after > _sequence)
        {
            items.Add(Reset(_sequence, $"Position {after} is ahead of feed '{_feed.Name}', which is at {_sequence} (the server may have restarted); resuming live."));
            return items;
        }

        // An empty history (or one of length 0) keeps nothing after the position either.
        var first = oldest ?? _sequence + 1;
        if (first > after + 1)
        {
            items.Add(Reset(first - 1, $"{first - after - 1} items of feed '{_feed.Name}' after seq {after} are no longer in history (it keeps the last {_feed.HistoryLength} items, up to {_feed.HistoryMaxBytes} bytes{RetentionText()}); resuming from seq {first}."));
        }

        items.AddRange(_history.After(after));
        return items;
    }

    private string RetentionText() => _feed.HistoryRetention is { } retention ? $", for {retention}" : "";

    private void Expire()
    {
        if (_feed.HistoryRetention is { } retention)
        {
            _history.Expire(_timeProvider.GetUtcNow() - retention);
        }
    }

    // A reset's seq is the one the reader's numbering continues after.
    private FeedItem<object> Reset(long sequence, string message) =>
        new(_feed.Name, sequence, _timeProvider.GetUtcNow(), new FeedControl(FeedControlKind.Reset, message)) { Epoch = _epoch };

    // Called under the lock. The run becomes current only once the host has taken its producer, so a host
    // that is shutting down leaves the feed as it was.
    private SharedFeedRun? TryStartRun()
    {
        var run = new SharedFeedRun();
        // A host that is being cancelled would end the run at once: the reader is told the server is stopping.
        if (_host.Token.IsCancellationRequested || !_host.TryStart(token => RunAsync(run, token)))
        {
            run.Dispose();
            return null;
        }

        _run = run;
        _counters.State = FeedState.Running;
        _counters.Producer = true;
        _stats.SharedProducers.Increment();
        return run;
    }

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
                await foreach (var data in _open(stop.Token).WithCancellation(stop.Token))
                {
                    Publish(run, data);
                }
            }
            catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(stop.Token))
            {
                // Stopped after the last reader left, or the server is stopping.
            }
#pragma warning disable CA1031 // The feed's failure goes to its readers (each stream reports it); it must not cancel the other shared feeds.
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

    private void Publish(SharedFeedRun run, object data)
    {
        // Serialized once for every reader, outside the lock that readers joining and leaving wait on.
        var json = FeedJson.Encode(data);
        lock (_gate)
        {
            // A stopping run has no readers left, and a newer run may be numbering the feed already.
            if (run.IsStopping)
            {
                return;
            }

            var item = new FeedItem<object>(_feed.Name, ++_sequence, _timeProvider.GetUtcNow(), data) { Epoch = _epoch, DataJson = json };
            _history.Add(item);
            _counters.SetSequence(_sequence);
            if (data is UpstreamStatus status && FeedStates.Of(status) is { } state)
            {
                // Only the connection's state is the feed's state; a skipped malformed message is an event.
                _counters.State = state;
            }

            run.Offer(item);
        }
    }

    // The producer returned: its run's readers end with it (with its failure, if any); the next subscriber
    // starts a new run.
    private void Stopped(SharedFeedRun run, Exception? failure)
    {
        lock (_gate)
        {
            if (failure is not null)
            {
                // One failure, logged once here, however many readers it ends; their streams only say so.
                var named = failure as FeedFailedException;
                SharedFeedLog.FeedFailed(_logger, _feed.Name, run.SubscriberCount, named?.InnerException ?? failure);
                failure = named?.AsLogged() ?? failure;
            }

            run.End(failure);
            if (ReferenceEquals(_run, run))
            {
                _run = null;
                _counters.State = FeedState.Idle;
                _counters.Producer = false;
                _counters.SetSubscribers(0);
            }
        }

        _stats.SharedProducers.Decrement();
        run.Dispose();
    }
}
