using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Sharing;

namespace Tributary.App.Operations;

/// <summary>
/// Degraded, never unready, while a running shared feed's upstream is down: another instance could not serve that
/// feed any better, and this one still serves every other feed (and the down one's history).
/// </summary>
internal sealed class UpstreamHealthCheck(StreamStats stats) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var down = stats.SharedFeedStates()
            .Where(f => f.State.IsUpstreamDown())
            .OrderBy(f => f.Feed, StringComparer.Ordinal)
            .ToDictionary(f => f.Feed, f => (object)f.State.Name(), StringComparer.Ordinal);
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy("Every running upstream is connected.")
            : HealthCheckResult.Degraded($"Upstream down for {string.Join(", ", down.Keys)}.", data: down));
    }
}
