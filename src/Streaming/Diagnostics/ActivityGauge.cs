namespace Tributary.Streaming.Diagnostics;

/// <summary>
/// A live, thread-safe count of things that are running right now (producers, streams).
/// Scoped producers count their producers in one, so a test or an operator can wait for it to return to zero.
/// </summary>
public sealed class ActivityGauge
{
    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiters = [];
    private long _current;

    // How many waiters are registered: the only thing Increment and Decrement read when nobody waits.
    private int _waiting;

    /// <summary>How many are running now.</summary>
    public long Current => Interlocked.Read(ref _current);

    /// <summary>Records that one more is running.</summary>
    public void Increment() => Notify(Interlocked.Increment(ref _current));

    /// <summary>Records that one has stopped.</summary>
    public void Decrement() => Notify(Interlocked.Decrement(ref _current));

    /// <summary>Waits until the count is <paramref name="count"/>; completes at once if it already is.</summary>
    /// <param name="count">The count to wait for, such as 0 for "everything has stopped".</param>
    /// <param name="cancellationToken">Stops waiting (for example a test's time limit); the task is then cancelled with it.</param>
    /// <returns>A task that completes when the count has been <paramref name="count"/>.</returns>
    public Task WaitForAsync(long count, CancellationToken cancellationToken = default)
    {
        if (Current == count)
        {
            return Task.CompletedTask;
        }

        var waiter = new Waiter(count);
        lock (_gate)
        {
            _waiters.Add(waiter);
            Interlocked.Increment(ref _waiting);
        }

        // The waiter is published (a full fence) before this read, and a change publishes its count before
        // reading _waiting: so either that change sees the waiter, or this read sees its count. Never neither.
        if (Current == count)
        {
            Release(waiter);
        }

        if (cancellationToken.CanBeCanceled && !waiter.Reached.Task.IsCompleted)
        {
            var registration = cancellationToken.Register(() =>
            {
                if (Forget(waiter))
                {
                    waiter.Reached.TrySetCanceled(cancellationToken);
                }
            });
            waiter.Reached.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return waiter.Reached.Task;
    }

    // Every count the gauge passes through is returned to exactly one caller, so each is offered to the waiters.
    private void Notify(long count)
    {
        if (Volatile.Read(ref _waiting) == 0)
        {
            return;
        }

        List<Waiter>? reached = null;
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(w => w.Count == count))
            {
                (reached ??= []).Add(waiter);
            }
        }

        reached?.ForEach(Release);
    }

    private void Release(Waiter waiter)
    {
        if (Forget(waiter))
        {
            waiter.Reached.TrySetResult();
        }
    }

    private bool Forget(Waiter waiter)
    {
        lock (_gate)
        {
            if (!_waiters.Remove(waiter))
            {
                return false;
            }

            Interlocked.Decrement(ref _waiting);
            return true;
        }
    }

    private sealed class Waiter(long count)
    {
        public long Count { get; } = count;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
