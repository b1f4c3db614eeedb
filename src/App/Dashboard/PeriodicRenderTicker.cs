using Microsoft.Extensions.Options;

namespace Tributary.App.Dashboard;

/// <summary>Ticks every <see cref="DashboardOptions.RenderInterval"/>.</summary>
public sealed class PeriodicRenderTicker(IOptions<DashboardOptions> options, TimeProvider timeProvider) : IRenderTicker
{
    private readonly PeriodicTimer _timer = new(options.Value.RenderInterval, timeProvider);

    public ValueTask<bool> WaitForNextTickAsync(CancellationToken cancellationToken) => _timer.WaitForNextTickAsync(cancellationToken);

    public void Dispose() => _timer.Dispose();
}
