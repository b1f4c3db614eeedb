using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;

namespace Tributary.App.Operations;

/// <summary>
/// Ready when the running feed catalog is valid. The catalog is read once, at start; an edit to the configuration that
/// no longer validates does not change it, but the next start would fail, so that is reported as degraded.
/// </summary>
internal sealed class CatalogHealthCheck(IOptions<FeedCatalogOptions> running, IConfiguration configuration) : IHealthCheck
{
    private readonly FeedCatalogValidator _validator = new();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The running catalog was validated at start (the app does not start without a valid one); only an edit can be wrong.
        var data = new Dictionary<string, object> { ["feeds"] = running.Value.Feeds.Count };
        var next = _validator.Validate(null, FeedCatalogOptions.Read(configuration));
        return Task.FromResult(next.Failed
            ? HealthCheckResult.Degraded($"The feeds in the configuration no longer validate; the running catalog is unchanged, but a restart would fail: {next.FailureMessage}", data: data)
            : HealthCheckResult.Healthy($"{running.Value.Feeds.Count} feeds.", data));
    }
}
