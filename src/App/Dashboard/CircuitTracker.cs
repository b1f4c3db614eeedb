using Microsoft.AspNetCore.Components.Server.Circuits;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.App.Dashboard;

/// <summary>Counts live circuits in <see cref="StreamStats.ActiveCircuits"/>; one instance per circuit.</summary>
public sealed class CircuitTracker(StreamStats stats) : CircuitHandler
{
    private int _open;

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _open, 1) == 0)
        {
            stats.ActiveCircuits.Increment();
        }

        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _open, 0) == 1)
        {
            stats.ActiveCircuits.Decrement();
        }

        return Task.CompletedTask;
    }
}
