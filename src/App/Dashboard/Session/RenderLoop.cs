namespace Tributary.App.Dashboard.Session;

/// <summary>
/// Renders a session's live view at most once per tick, whatever the rate of items: the page attaches how to run
/// work on the circuit's dispatcher and how to refresh its live part; anything may ask for a render
/// (<see cref="MarkChanged"/>). Owned by the session, which starts it once and stops it when disposed.
/// </summary>
internal sealed class RenderLoop(IRenderTicker ticker, ILogger logger)
{
    private int _changed;
    private bool _failing;
    private Func<Func<Task>, Task>? _dispatch;
    private Action? _refresh;

    public void Attach(Func<Func<Task>, Task> dispatch, Action refresh)
    {
        _dispatch = dispatch;
        _refresh = refresh;
    }

    public void Detach(Action refresh)
    {
        if (_refresh == refresh)
        {
            _refresh = null;
        }
    }

    /// <summary>Asks for a render at the next tick; from any thread.</summary>
    public void MarkChanged() => Interlocked.Exchange(ref _changed, 1);

    /// <summary>
    /// Until cancelled, on each tick where <paramref name="due"/> says so or a render was asked for: runs
    /// <paramref name="prepare"/> then the page's refresh, on the dispatcher. A render that fails is given to
    /// <paramref name="failed"/> and the loop goes on: the loop is the only thing that shows what arrives, so ending
    /// it would freeze the view while the status bar still said "live".
    /// </summary>
    /// <param name="due">Given the tick's number: whether there is something to show anyway.</param>
    /// <param name="prepare">What a render does before the refresh (moving what arrived onto the board).</param>
    /// <param name="failed">Told of a render that failed (already logged).</param>
    /// <param name="cancellationToken">Ends the loop: the session is going away.</param>
    public async Task RunAsync(Func<long, bool> due, Func<Task> prepare, Action<Exception> failed, CancellationToken cancellationToken)
    {
        try
        {
            for (var tick = 0L; await ticker.WaitForNextTickAsync(cancellationToken); tick++)
            {
                var changed = Interlocked.Exchange(ref _changed, 0) == 1;
                if ((changed || due(tick)) && _dispatch is { } dispatch)
                {
                    await RenderAsync(dispatch, prepare, failed, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException cancelled) when (cancelled.CancellationToken == cancellationToken)
        {
            // The session is going away.
        }
        finally
        {
            ticker.Dispose();
        }
    }

    private async Task RenderAsync(Func<Func<Task>, Task> dispatch, Func<Task> prepare, Action<Exception> failed, CancellationToken cancellationToken)
    {
        try
        {
            await dispatch(async () =>
            {
                await prepare();
                _refresh?.Invoke();
            });
        }
#pragma warning disable CA1031 // Whatever failed (a cancellation too, unless the session's), the loop must go on; logged and shown.
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // Once per failing stretch, not once per tick: the next success starts a new one.
            if (!_failing)
            {
                StreamLog.RenderFailed(logger, failure);
            }

            _failing = true;
            failed(failure);
            MarkChanged();
            return;
        }

        _failing = false;
    }
}
