namespace Tributary.App.Dashboard;

/// <summary>Paces the live view's renders. Tests replace it with one they tick by hand.</summary>
public interface IRenderTicker : IDisposable
{
    /// <summary>Waits for the next moment a render may happen; false once the ticker is disposed.</summary>
    ValueTask<bool> WaitForNextTickAsync(CancellationToken cancellationToken);
}
