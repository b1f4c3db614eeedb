using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// One feed, one producer, any number of readers. The first subscriber starts the producer as a child of
/// the host's task group; the last one leaving stops it after the feed's linger. Items are numbered here,
/// once, so every reader sees the same sequence and can resume from it out of the history ring.
/// </summary>
public sealed class SharedFeed
{
    private readonly FeedDefinition _feed;
    private readonly Func<CancellationToken, IAsyncEnumerable<object>> _open;
    private readonly TaskGroup _host;
    private readonly TimeProvider _timeProvider;
    private readonly StreamStats _stats;
    private readonly SharedFeedCounters _counters;
    private readonly Lock _gate = new();
    private readonly FeedHistory _history;
    private readonly List<FeedSubscription> _subscribers = [];
    private long _sequence;
    private CancellationTokenSource? _running;
    private CancellationTokenSource? _lingering;

    internal SharedFeed(FeedDefinition feed, Func<CancellationToken, IAsyncEnumerable<object>> open, TaskGroup host, TimeProvider timeProvider, StreamStats stats)
    {
        _feed = feed;
        _open = open;
        _host = host;
        _timeProvider = timeProvider;
        _stats = stats;
        _counters = stats.SharedFeed(feed.Name);
        _history = new FeedHistory(feed.HistoryLength);
    }

    /// <summary>
    /// Adds a reader. With <paramref name="after"/>, it first gets the items after that sequence that are
    /// still in history, preceded by a <c>reset</c> record if some are not.
    /// </summary>
    public FeedSubscription Subscribe(long? after)
    {
        lock (_gate)
        {
            var replay = after is { } position ? Replay(position) : [];
            var subscription = new FeedSubscription(this, _feed.SubscriberBuffer + replay.Count, _feed.Overflow);
            foreach (var item in replay)
            {
                subscription.Offer(item);
            }

            _subscribers.Add(subscription);
            _counters.SetSubscribers(_subscribers.Count);
            _lingering?.Cancel();
            _lingering = null;
            if (_running is null)
            {
                StartProducer();
            }

            return subscription;
        }
    }

    /// <summary>The history ring, oldest first (for exports).</summary>
    public IReadOnlyList<FeedItem<object>> History()
    {
        lock (_gate)
        {
            return _history.All();
        }
    }

    internal void Unsubscribe(FeedSubscription subscription)
    {
        lock (_gate)
        {
            if (!_subscribers.Remove(subscription))
            {
                return;
            }

            _counters.SetSubscribers(_subscribers.Count);
            if (_subscribers.Count == 0 && _running is { } running)
            {
                var linger = new CancellationTokenSource();
                _lingering = linger;
                _host.Start(token => LingerAsync(running, linger, token));
            }
        }
    }

    internal void CountDropped() => _counters.AddDropped();

    private List<FeedItem<object>> Replay(long after)
    {
        var items = new List<FeedItem<object>>();
        var oldest = _history.OldestSequence;
        if (after > _sequence)
        {
            items.Add(Reset($"Position {after} is ahead of feed '{_feed.Name}', which is at {_sequence} (the server may have restarted); resuming live."));
            return items;
        }

        if (oldest is { } first && first > after + 1)
        {
            items.Add(Reset($"{first - after - 1} items of feed '{_feed.Name}' after seq {after} are no longer in history (it keeps the last {_feed.HistoryLength}); resuming from seq {first}."));
        }

        items.AddRange(_history.After(after));
        return items;
    }

    private FeedItem<object> Reset(string message) =>
        new(_feed.Name, _sequence, _timeProvider.GetUtcNow(), new FeedControl(FeedControlKind.Reset, message));

    private void StartProducer()
    {
        var running = new CancellationTokenSource();
        _running = running;
        _counters.State = "running";
        _stats.SharedProducers.Increment();
        _host.Start(token => RunAsync(running, token));
    }

    private async Task RunAsync(CancellationTokenSource running, CancellationToken hostToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(hostToken, running.Token);
        Exception? failure = null;
        try
        {
            await foreach (var data in _open(stop.Token).WithCancellation(stop.Token))
            {
                Publish(data);
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
        finally
        {
            Stopped(running, failure);
        }
    }

    private void Publish(object data)
    {
        lock (_gate)
        {
            var item = new FeedItem<object>(_feed.Name, ++_sequence, _timeProvider.GetUtcNow(), data);
            _history.Add(item);
            _counters.SetSequence(_sequence);
            if (data is UpstreamStatus status)
            {
                _counters.State = status.Status;
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Offer(item);
            }
        }
    }

    // The producer ended: its readers end with it (with its failure, if any); the next subscriber restarts it.
    private void Stopped(CancellationTokenSource running, Exception? failure)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_running, running))
            {
                _running = null;
                _counters.State = "idle";
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Complete(failure);
                }

                _subscribers.Clear();
                _counters.SetSubscribers(0);
            }
        }

        _stats.SharedProducers.Decrement();
        running.Dispose();
    }

    private async Task LingerAsync(CancellationTokenSource running, CancellationTokenSource linger, CancellationToken hostToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(hostToken, linger.Token);
        try
        {
            await Task.Delay(_feed.Linger, _timeProvider, wait.Token);
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(wait.Token))
        {
            // A new reader arrived, or the server is stopping (the host cancels the producer itself).
            return;
        }
        finally
        {
            linger.Dispose();
        }

        lock (_gate)
        {
            if (ReferenceEquals(_lingering, linger) && _subscribers.Count == 0 && ReferenceEquals(_running, running))
            {
                _lingering = null;
                running.Cancel();
            }
        }
    }
}
