using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// One run of a shared feed's producer, from the subscribe that started it to the producer's return: its
/// stop signal, its subscribers, the broadcast they read and its linger. Its owner, the shared feed (<see cref="SharedFeedCore"/>), creates it, changes it
/// only under its lock, and disposes it when the producer has returned, so no one can cancel a source that
/// was already disposed, and a run's end ends only its own subscribers.
/// </summary>
internal sealed class SharedFeedRun : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<FeedSubscription> _subscribers = [];
    private readonly FeedBroadcast _broadcast = new();
    private CancellationTokenSource? _linger;

    /// <summary>Cancelled when the run is stopped: its producer should return.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Stopped, or its producer has returned: it takes no new subscribers and publishes nothing more.</summary>
    public bool IsStopping => Ended || _stop.IsCancellationRequested;

    /// <summary>Its producer has returned.</summary>
    public bool Ended { get; private set; }

    public int SubscriberCount => _subscribers.Count;

    /// <summary>Publishes the item to every subscriber at once: each reads it from the broadcast at its own pace.</summary>
    public void Offer(FeedItem<object> item)
    {
        if (item.Data is FeedControl)
        {
            _broadcast.AppendControl(item);
        }
        else
        {
            _broadcast.Append(item);
        }
    }

    /// <summary>The reader's live items are the ones published from now on.</summary>
    public void Add(FeedSubscription subscription)
    {
        _broadcast.EnsureCapacity(subscription.Allowance);
        subscription.Attach(this, _broadcast);
        _subscribers.Add(subscription);
        CancelLinger();
    }

    public bool Remove(FeedSubscription subscription) => _subscribers.Remove(subscription);

    /// <summary>Starts counting down the linger; the caller starts the wait with the returned source.</summary>
    public CancellationTokenSource BeginLinger()
    {
        CancelLinger();
        _linger = new CancellationTokenSource();
        return _linger;
    }

    /// <summary>Whether <paramref name="linger"/> is still this run's linger, and so may stop it.</summary>
    public bool IsLinger(CancellationTokenSource linger) => ReferenceEquals(_linger, linger);

    /// <summary>The linger wait is over, whatever ended it: forget it, so nobody cancels it once disposed.</summary>
    public void EndLinger(CancellationTokenSource linger)
    {
        if (ReferenceEquals(_linger, linger))
        {
            _linger = null;
        }
    }

    /// <summary>
    /// Asks the producer to return. The callbacks run on the thread pool, not under the caller's lock: a
    /// database command's cancellation, for one, is a network round trip.
    /// </summary>
    public void Stop()
    {
        if (!Ended)
        {
            _ = _stop.CancelAsync();
        }
    }

    /// <summary>The producer returned: ends every subscriber with its failure, if any, and the linger.</summary>
    public void End(Exception? failure)
    {
        Ended = true;
        CancelLinger();
        _broadcast.Complete(failure);
        _subscribers.Clear();
    }

    public void Dispose() => _stop.Dispose();

    private void CancelLinger()
    {
        _linger?.Cancel();
        _linger = null;
    }
}
