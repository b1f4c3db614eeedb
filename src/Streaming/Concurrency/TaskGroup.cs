using System.Runtime.ExceptionServices;

namespace Tributary.Streaming.Concurrency;

/// <summary>
/// A scope for concurrent child tasks, with the semantics of Trio nurseries and Python's
/// <c>asyncio.TaskGroup</c>: nothing started in the scope outlives it.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Each child started with <see cref="Start"/> receives the group's <see cref="Token"/>.
/// Children may start further children, as long as the group has not completed.</item>
/// <item>The first child that fails with anything other than an <see cref="OperationCanceledException"/>
/// raised by the group's own token cancels the group: every sibling sees its token cancelled.</item>
/// <item><see cref="Cancel"/> cancels all children; so does cancellation of the outer token given to the
/// constructor.</item>
/// <item><see cref="DisposeAsync"/> waits for every child to finish; it does not cancel them by itself.
/// Once it returns, no child is running and <see cref="Start"/> throws <see cref="InvalidOperationException"/>.</item>
/// <item>Failures surface when the scope is left: <see cref="DisposeAsync"/> rethrows the <b>first</b>
/// failure with its original stack trace. Every failure, in the order they happened, stays available in
/// <see cref="Failures"/>. Cancellation caused by the group itself (a failure or <see cref="Cancel"/>) is
/// not a failure. If the outer token was cancelled and no child failed, <see cref="DisposeAsync"/> throws
/// an <see cref="OperationCanceledException"/> for the outer token.</item>
/// </list>
/// With <c>await using</c>, the body of the scope is not a child: an exception thrown by the body does not
/// cancel the children, and leaving the scope waits for them. Use <see cref="RunAsync"/> when the body's
/// failure must cancel the children too.
/// </remarks>
public sealed class TaskGroup : IAsyncDisposable
{
    private readonly CancellationToken _outerToken;
    // The group's own source is deliberately not linked to the outer token: a linked source must be
    // disposed to unregister from its parent, and a disposed source makes Cancel() throw. Registering
    // ourselves lets us drop the registration on dispose while Cancel() stays safe forever.
    private readonly CancellationTokenSource _cancellation = new();
    private readonly CancellationTokenRegistration _outerRegistration;
    private readonly TaskCompletionSource _allChildrenExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private List<Exception>? _failures;
    private int _runningChildren;
    private bool _closing;
    private bool _completed;
    private int _disposeStarted;

    /// <summary>Opens a task group.</summary>
    /// <param name="cancellationToken">Cancels every child when cancelled (for example the request's abort token).</param>
    public TaskGroup(CancellationToken cancellationToken = default)
    {
        _outerToken = cancellationToken;
        Token = _cancellation.Token;
        _outerRegistration = cancellationToken.UnsafeRegister(static state => ((TaskGroup)state!).Cancel(), this);
    }

    /// <summary>The token every child receives; cancelled by a failure, <see cref="Cancel"/> or the outer token.</summary>
    public CancellationToken Token { get; }

    /// <summary>Every non-cancellation failure of a child, in the order they happened.</summary>
    public IReadOnlyList<Exception> Failures
    {
        get
        {
            lock (_gate)
            {
                return _failures is null ? [] : [.. _failures];
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> as the first child of a new group and waits for the whole group.
    /// Unlike a bare <c>await using</c> scope, a failure of the body cancels the other children.
    /// </summary>
    /// <param name="body">Receives the group (to start siblings) and the group's token.</param>
    /// <param name="cancellationToken">Cancels the body and every child.</param>
    /// <returns>A task that completes when every child has finished; it faults with the first failure.</returns>
    public static async Task RunAsync(Func<TaskGroup, CancellationToken, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var group = new TaskGroup(cancellationToken);
        await using (group.ConfigureAwait(false))
        {
            group.Start(token => body(group, token));
        }
    }

    /// <summary>
    /// Starts a child. It runs on the thread pool and receives the group's token.
    /// </summary>
    /// <param name="child">The child's work.</param>
    /// <exception cref="InvalidOperationException">The group has already completed.</exception>
    public void Start(Func<CancellationToken, Task> child)
    {
        if (!TryStart(child))
        {
            throw new InvalidOperationException(
                "This task group has completed: every child has finished and the scope was left. " +
                "Start children only inside the scope (before DisposeAsync returns), or open a new TaskGroup.");
        }
    }

    /// <summary>
    /// Starts a child unless the group has completed, for owners that may race the group's end (a long-lived
    /// group that is being shut down). The child runs on the thread pool and receives the group's token.
    /// </summary>
    /// <param name="child">The child's work.</param>
    /// <returns><see langword="true"/> if the child was started; <see langword="false"/> if the group has completed.</returns>
    public bool TryStart(Func<CancellationToken, Task> child)
    {
        ArgumentNullException.ThrowIfNull(child);
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            _runningChildren++;
        }

        // RunChildAsync never faults: its outcome is recorded in _failures and observed by DisposeAsync.
        _ = RunChildAsync(child);
        return true;
    }

    /// <summary>Cancels every child. Safe to call at any time, any number of times.</summary>
    public void Cancel() => _cancellation.Cancel();

    /// <summary>
    /// Waits for every child to finish, then rethrows the first failure (or the outer token's cancellation).
    /// Only the first call throws; later calls wait for the same completion and return.
    /// </summary>
    /// <returns>A task that completes when no child is running.</returns>
    public async ValueTask DisposeAsync()
    {
        var firstCall = Interlocked.Exchange(ref _disposeStarted, 1) == 0;
        if (firstCall)
        {
            CloseForNewChildren();
        }

        await _allChildrenExited.Task.ConfigureAwait(false);
        if (!firstCall)
        {
            return;
        }

        _outerRegistration.Dispose();
        ThrowOutcome();
    }

    private async Task RunChildAsync(Func<CancellationToken, Task> child)
    {
        try
        {
            // Start returns at once; the child runs concurrently, even if it is synchronous up front, and on
            // the thread pool: Task.Yield would post it to the caller's context (a Blazor renderer, say).
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            await child(Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(Token))
        {
            // The group asked for this: a normal end for a child.
        }
#pragma warning disable CA1031 // A child's failure of any type is recorded and rethrown by DisposeAsync.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            RecordFailure(failure);
        }
        finally
        {
            ChildExited();
        }
    }

    private void RecordFailure(Exception failure)
    {
        lock (_gate)
        {
            (_failures ??= []).Add(failure);
        }

        Cancel();
    }

    private void ChildExited()
    {
        lock (_gate)
        {
            _runningChildren--;
        }

        CompleteIfIdle();
    }

    private void CloseForNewChildren()
    {
        lock (_gate)
        {
            _closing = true;
        }

        CompleteIfIdle();
    }

    // The group completes once the scope is being left and no child runs; after that Start throws,
    // so a child can never begin after DisposeAsync has returned.
    private void CompleteIfIdle()
    {
        lock (_gate)
        {
            if (_completed || !_closing || _runningChildren != 0)
            {
                return;
            }

            _completed = true;
        }

        _allChildrenExited.TrySetResult();
    }

    private void ThrowOutcome()
    {
        Exception? first;
        lock (_gate)
        {
            first = _failures?[0];
        }

        if (first is not null)
        {
            ExceptionDispatchInfo.Throw(first);
        }

        _outerToken.ThrowIfCancellationRequested();
    }
}
