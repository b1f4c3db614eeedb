using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// The items of one run of a shared feed, published once for every reader. Data items go into a ring that
/// each <see cref="FeedSubscription"/> reads with a cursor of its own, so publishing costs the same for ten
/// readers as for ten thousand; control records (<c>gap</c>, <c>reset</c>, <c>engine</c>) go into a list
/// beside it that a reader never skips, so a reader that falls behind loses data items (and is told so by
/// a gap record) but never a control record. Readers with nothing to read park here; one thread-pool work
/// item wakes every parked reader after a publish, off the producer's path, by queueing each on the pool's shared
/// (first in, first out) queue so that every reader waits its turn alike; a reader woken once reads everything
/// published by then.
/// </summary>
/// <remarks>
/// One writer: the feed publishes under its lock. Readers read without locks, checking after each read that
/// the slot was not overwritten meanwhile; parking and waking share a lock so that no wake-up is lost.
/// </remarks>
internal sealed class FeedBroadcast : IThreadPoolWorkItem
{
    // Control records are rare (an outage, an epoch change, a takeover); a run keeps its newest ones.
    private const int MaxControls = 4096;

    private readonly Lock _controlGate = new();
    private readonly List<(long Index, FeedItem<object> Item)> _controls = [];
    private readonly Lock _parkGate = new();
    private readonly Lock _wakeGate = new();
    private FeedItem<object>?[] _ring = new FeedItem<object>?[16];
    private long _tail;
    private long _controlBase;
    private long _controlCount;
    private HashSet<FeedSubscription> _parked = [];
    private HashSet<FeedSubscription> _spare = [];
    private bool _wakeScheduled;
    private volatile bool _completed;
    private Exception? _failure;

    /// <summary>How many data items were published: the ring index the next one gets.</summary>
    public long Tail => Volatile.Read(ref _tail);

    /// <summary>How many control records were published: the number the next one gets.</summary>
    public long ControlCount => Volatile.Read(ref _controlCount);

    /// <summary>The run ended; readers finish what was published and then end with <see cref="Failure"/>, if any.</summary>
    public bool Completed => _completed;

    public Exception? Failure => _failure;

    /// <summary>Makes room for a reader that may fall <paramref name="allowance"/> items behind; called by the writer.</summary>
    public void EnsureCapacity(int allowance)
    {
        var ring = _ring;
        if (ring.Length > allowance)
        {
            return;
        }

        var bigger = new FeedItem<object>?[(int)Math.Min(1L << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)allowance + 1))];
        var tail = _tail;
        for (var index = Math.Max(0, tail - ring.Length); index < tail; index++)
        {
            bigger[index & (bigger.Length - 1)] = ring[index & (ring.Length - 1)];
        }

        // Readers still holding the old ring read valid items from it: the writer no longer changes it.
        Volatile.Write(ref _ring, bigger);
    }

    /// <summary>Publishes a data item; called by the writer.</summary>
    public void Append(FeedItem<object> item)
    {
        var ring = _ring;
        ring[_tail & (ring.Length - 1)] = item;
        Volatile.Write(ref _tail, _tail + 1);
        WakeParked();
    }

    /// <summary>Publishes a control record, placed before the next data item; called by the writer.</summary>
    public void AppendControl(FeedItem<object> item)
    {
        lock (_controlGate)
        {
            _controls.Add((_tail, item));
            if (_controls.Count > MaxControls)
            {
                _controls.RemoveAt(0);
                _controlBase++;
            }

            Volatile.Write(ref _controlCount, _controlCount + 1);
        }

        WakeParked();
    }

    /// <summary>The run ended: parked readers wake, finish what was published, and end (with the failure, if any).</summary>
    public void Complete(Exception? failure)
    {
        _failure = failure;
        _completed = true;
        WakeParked();
    }

    /// <summary>
    /// Reads the data item at <paramref name="index"/>. False when it is not published yet (<paramref name="overrun"/>
    /// false) or was overwritten before the reader got to it (<paramref name="overrun"/> true).
    /// </summary>
    public bool TryRead(long index, out FeedItem<object>? item, out bool overrun)
    {
        item = null;
        overrun = false;
        if (index >= Volatile.Read(ref _tail))
        {
            return false;
        }

        var ring = Volatile.Read(ref _ring);
        item = ring[index & (ring.Length - 1)];
        // The slot is read before the tail is looked at again. The writer fills the slot of index tail - length before
        // it publishes the new tail, so that index is already unsafe; and a ring that grew meanwhile may not hold an old
        // index at all (null). Either way the reader is too far behind, and skips.
        Interlocked.MemoryBarrier();
        if (item is null || Volatile.Read(ref _tail) - index >= ring.Length)
        {
            item = null;
            overrun = true;
            return false;
        }

        return true;
    }

    /// <summary>
    /// The control record numbered <paramref name="number"/>, if it is published and placed at or before ring index
    /// <paramref name="upTo"/>. A reader that was so far behind that the run forgot older ones moves on to the oldest kept.
    /// </summary>
    public bool TryReadControl(ref long number, long upTo, out FeedItem<object>? item)
    {
        item = null;
        if (number >= Volatile.Read(ref _controlCount))
        {
            return false;
        }

        lock (_controlGate)
        {
            number = Math.Max(number, _controlBase);
            var (index, control) = _controls[(int)(number - _controlBase)];
            if (index > upTo)
            {
                return false;
            }

            item = control;
            number++;
            return true;
        }
    }

    /// <summary>
    /// Parks a reader that found nothing to read; false when there is something after all (checked under the lock
    /// a publish takes to wake parked readers, so a wake-up cannot fall between the check and the park).
    /// </summary>
    public bool Park(FeedSubscription reader, long next, long nextControl)
    {
        lock (_parkGate)
        {
            if (_completed || next < Volatile.Read(ref _tail) || nextControl < Volatile.Read(ref _controlCount))
            {
                return false;
            }

            _parked.Add(reader);
            return true;
        }
    }

    /// <summary>The reader left while parked.</summary>
    public void Unpark(FeedSubscription reader)
    {
        lock (_parkGate)
        {
            _parked.Remove(reader);
        }
    }

    // One work item at a time wakes the readers parked by then; readers parking meanwhile are woken by the next one.
    private void WakeParked()
    {
        lock (_parkGate)
        {
            if (_parked.Count == 0 || _wakeScheduled)
            {
                return;
            }

            _wakeScheduled = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        lock (_wakeGate)
        {
            HashSet<FeedSubscription> waking;
            lock (_parkGate)
            {
                waking = _parked;
                (_parked, _spare) = (_spare, waking);
                _wakeScheduled = false;
            }

            foreach (var reader in waking)
            {
                ThreadPool.UnsafeQueueUserWorkItem(reader, preferLocal: false);
            }

            waking.Clear();
        }
    }
}
