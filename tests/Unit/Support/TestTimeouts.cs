namespace Tributary.Tests.Unit.Support;

/// <summary>
/// A safety net against hangs, never a timing assertion: tests wait on signals, and this only turns a
/// deadlock into a failure instead of a stuck run.
/// </summary>
internal static class TestTimeouts
{
    /// <summary>For <c>[Fact(Timeout = ...)]</c>: a teardown that hangs fails its test instead of stalling the run.</summary>
    public const int HangMilliseconds = 30_000;

    public static readonly TimeSpan Hang = TimeSpan.FromMilliseconds(HangMilliseconds);

    public static Task DefaultTimeout(this Task task) => task.WaitAsync(Hang);

    public static Task<T> DefaultTimeout<T>(this Task<T> task) => task.WaitAsync(Hang);

    public static Task DefaultTimeout(this ValueTask task) => task.AsTask().WaitAsync(Hang);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Hang);

    /// <summary>A token for a whole test: a stream that hangs fails the test, not the run.</summary>
    public static CancellationToken TestToken() => new CancellationTokenSource(Hang).Token;

    /// <summary>Completes when the token is cancelled; never throws.</summary>
    public static Task WaitUntilCancelledAsync(this CancellationToken token)
    {
        var cancelled = NewSignal();
        token.Register(() => cancelled.TrySetResult());
        return cancelled.Task;
    }

    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, for state that raises no signal of its own (a stream
    /// count, say); fails after <see cref="Hang"/>.
    /// </summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Hang);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    /// <summary>As <see cref="WaitUntilAsync(Func{bool})"/>, for a condition that must be asked (a database's state).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeout = new CancellationTokenSource(Hang);
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
