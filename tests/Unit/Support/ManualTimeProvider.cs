using Tributary.Streaming.Diagnostics;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// A clock that moves only when told to, with timers that fire as <see cref="Advance"/> passes their due
/// times, in order. For testing code that waits on time without the test waiting on it.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero).UtcTicks;

    /// <summary>Timers waiting to fire, so a test can wait for code to arm one before advancing the clock.</summary>
    public ActivityGauge PendingTimers { get; } = new();

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return new DateTimeOffset(_ticks, TimeSpan.Zero);
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _ticks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that comes due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        long target;
        lock (_gate)
        {
            target = _ticks + by.Ticks;
        }

        while (NextDue(target) is { } timer)
        {
            timer.Fire();
        }

        lock (_gate)
        {
            _ticks = target;
        }
    }

    // The earliest timer due by the target, with the clock moved to its due time; null when none is.
    private ManualTimer? NextDue(long target)
    {
        lock (_gate)
        {
            var next = _timers.Where(t => t.Due <= target).MinBy(t => t.Due);
            if (next is not null)
            {
                _ticks = Math.Max(_ticks, next.Due);
                next.Reschedule();
            }

            return next;
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period;

        public long Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                Unschedule();
                _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = clock._ticks + dueTime.Ticks;
                    clock._timers.Add(this);
                    clock.PendingTimers.Increment();
                }
            }

            return true;
        }

        // Called under the clock's lock, before the callback runs.
        public void Reschedule()
        {
            if (_period > 0)
            {
                Due += _period;
            }
            else
            {
                Unschedule();
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                Unschedule();
            }
        }

        // Called under the clock's lock.
        private void Unschedule()
        {
            if (clock._timers.Remove(this))
            {
                clock.PendingTimers.Decrement();
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
