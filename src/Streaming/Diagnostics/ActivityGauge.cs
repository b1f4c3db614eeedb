namespace Tributary.Streaming.Diagnostics;

/// <summary>
/// A live, thread-safe count of things that are running right now (producers, streams).
/// Scoped producers count their producers in one, so a test or an operator can wait for it to return to zero.
/// </summary>
public sealed class ActivityGauge
{
    private readonly Lock _gate = new();
    private long _current;
    private List<(long Count, TaskCompletionSource Reached)>? _waiters;

    /// <summary>How many are running now.</summary>
    public long Current => Interlocked.Read(ref _current);

    /// <summary>Records that one more is running.</summary>
    public void Increment() => Notify(Interlocked.Increment(ref _current));

    /// <summary>Records that one has stopped.</summary>
    public void Decrement() => Notify(Interlocked.Decrement(ref _current));

    /// <summary>Waits until the count is <paramref name="count"/>; completes at once if it already is.</summary>
    /// <param name="count">The count to wait for, such as 0 for "everything has stopped".</param>
    /// <param name="cancellationToken">Stops waiting (for example a test's time limit).</param>
    /// <returns>A task that completes when the count has been <paramref name="count"/>.</returns>
    public Task WaitForAsync(long count, CancellationToken cancellationToken = default)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Current == count)
            {
                return Task.CompletedTask;
            }

            (_waiters ??= []).Add((count, reached));
        }

        return reached.Task.WaitAsync(cancellationToken);
    }

    // Every count the gauge passes through is seen by exactly one caller, so no waiter misses its count.
    private void Notify(long count)
    {
        if (Volatile.Read(ref _waiters) is null)
        {
            return;
        }

        lock (_gate)
        {
            _waiters!.RemoveAll(waiter => waiter.Count == count && waiter.Reached.TrySetResult());
            if (_waiters.Count == 0)
            {
                _waiters = null;
            }
        }
    }
}
