using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tributary.App.Dashboard;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.Session;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// A running dashboard session on an app, as a circuit has it: the circuit's own hub client (watched, so the test
/// knows what the session took in), streaming the <c>ticks</c> feed, rendered when the test ticks it. A render that
/// throws fails <see cref="RenderAsync"/> with the exception, where a page's dispatcher would only stop the loop.
/// </summary>
internal sealed class LoopbackDashboard : IAsyncDisposable
{
    private readonly AsyncServiceScope _circuit;
    private readonly ManualRenderTicker _ticker = new();
    private TaskCompletionSource _rendered = TestTimeouts.NewSignal();

    private LoopbackDashboard(AsyncServiceScope circuit)
    {
        _circuit = circuit;
        Client = new WatchedFeedClient(circuit.ServiceProvider.GetRequiredService<IFeedClient>());
        Session = new DashboardSession(Client, _ticker, Options.Create(new DashboardOptions { DefaultFeeds = ["ticks"] }),
            TimeProvider.System, NullLogger<DashboardSession>.Instance);
        Session.Attach(RenderOrFailAsync, () => _rendered.TrySetResult());
    }

    public WatchedFeedClient Client { get; }

    public DashboardSession Session { get; }

    public static async Task<LoopbackDashboard> OpenAsync(LoopbackApp app, CancellationToken cancellationToken)
    {
        var dashboard = new LoopbackDashboard(app.Services.CreateAsyncScope());
        await dashboard.Session.EnsureReadyAsync(cancellationToken);
        await dashboard.Session.StartAsync();
        return dashboard;
    }

    /// <summary>Ticks until the session has rendered once more.</summary>
    public async Task RenderAsync(CancellationToken cancellationToken)
    {
        var rendered = _rendered = TestTimeouts.NewSignal();
        Session.MarkChanged();
        while (!rendered.Task.IsCompleted)
        {
            _ticker.Tick();
            await Task.WhenAny(rendered.Task, Task.Delay(10, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        await rendered.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await _circuit.DisposeAsync();
    }

    private async Task RenderOrFailAsync(Func<Task> render)
    {
        try
        {
            await render();
        }
        catch (Exception failure)
        {
            _rendered.TrySetException(failure);
            throw;
        }
    }
}
