using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tributary.App.Feeds.Sharing;

namespace Tributary.App.Operations;

/// <summary>
/// Ready when the engine shared feeds live in can serve, as the engine itself judges (its storage answers). Unready
/// sends a load balancer's readers to another instance.
/// </summary>
internal sealed class FeedEngineHealthCheck(IFeedEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        engine.CheckHealthAsync(cancellationToken);
}
