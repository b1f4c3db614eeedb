namespace Tributary.Tests.Unit.Support;

/// <summary>A synchronization context that counts what is posted to it, to prove work did not go through it.</summary>
internal sealed class CountingSynchronizationContext : SynchronizationContext
{
    private int _posts;

    public int Posts => Volatile.Read(ref _posts);

    public override void Post(SendOrPostCallback d, object? state)
    {
        Interlocked.Increment(ref _posts);
        base.Post(d, state);
    }

    /// <summary>Runs <paramref name="start"/> with this context current, as a Blazor renderer's thread would.</summary>
    public T RunUnder<T>(Func<T> start)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            return start();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
