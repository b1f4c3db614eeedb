using Tributary.App.Dashboard;

namespace Tributary.Tests.Unit.Support;

/// <summary>A render ticker the test ticks by hand, so render counts are exact instead of timed.</summary>
internal sealed class ManualRenderTicker : IRenderTicker
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<bool> _next = TestTimeouts.NewSignal<bool>();

    public ValueTask<bool> WaitForNextTickAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return new ValueTask<bool>(_next.Task.WaitAsync(cancellationToken));
        }
    }

    public void Tick()
    {
        TaskCompletionSource<bool> current;
        lock (_gate)
        {
            current = _next;
            _next = TestTimeouts.NewSignal<bool>();
        }

        current.SetResult(true);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _next.TrySetResult(false);
        }
    }
}
