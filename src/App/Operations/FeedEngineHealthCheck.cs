using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tributary.App.Feeds.Postgres;
using Tributary.App.Feeds.Sharing;

namespace Tributary.App.Operations;

/// <summary>
/// Ready when the engine shared feeds live in can serve: always for the in-memory engine; for PostgreSQL, when the
/// database answers a query within <see cref="Timeout"/>. Unready sends a load balancer's readers to another instance.
/// </summary>
internal sealed class FeedEngineHealthCheck(IFeedEngine engine) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (engine is not PostgresFeedEngine postgres)
        {
            return HealthCheckResult.Healthy("In-memory engine.", new Dictionary<string, object> { ["engine"] = "memory" });
        }

        var data = new Dictionary<string, object> { ["engine"] = "postgres", ["database"] = postgres.Where };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await postgres.PingAsync(deadline.Token);
            return HealthCheckResult.Healthy($"PostgreSQL at {postgres.Where} answers.", data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL at {postgres.Where} did not answer within {Timeout.TotalSeconds:0} s.", data: data);
        }
        catch (Exception failure) when (PostgresFailure.IsUnavailable(failure))
        {
            // The reason only: an exception's text could carry connection details.
            return HealthCheckResult.Unhealthy($"PostgreSQL at {postgres.Where} does not answer: {PostgresFailure.Reason(failure)}.", data: data);
        }
    }
}
