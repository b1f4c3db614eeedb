using Microsoft.Extensions.Options;

namespace Tributary.App.Dashboard;

/// <summary>Paces the live view's renders. Tests replace it with one they tick by hand.</summary>
public interface IRenderTicker : IDisposable
{
    /// <summary>Waits for the next moment a render may happen; false once the ticker is disposed.</summary>
    ValueTask<bool> WaitForNextTickAsync(CancellationToken cancellationToken);
}

/// <summary>Ticks every <see cref="DashboardOptions.RenderInterval"/>.</summary>
public sealed class PeriodicRenderTicker(IOptions<DashboardOptions> options, TimeProvider timeProvider) : IRenderTicker
{
    private readonly PeriodicTimer _timer = new(options.Value.RenderInterval, timeProvider);

    public ValueTask<bool> WaitForNextTickAsync(CancellationToken cancellationToken) => _timer.WaitForNextTickAsync(cancellationToken);

    public void Dispose() => _timer.Dispose();
}
