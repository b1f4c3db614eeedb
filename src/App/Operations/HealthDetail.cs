using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tributary.App.Operations;

/// <summary>What <c>GET /api/health</c> answers: every check, with its status, what it found and how long it took.</summary>
/// <param name="Status"><c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>: the worst of the checks.</param>
/// <param name="DurationMs">How long the checks took together.</param>
/// <param name="Checks">Each check by name.</param>
public sealed record HealthDetail(string Status, double DurationMs, IReadOnlyDictionary<string, HealthCheckDetail> Checks)
{
    public static HealthDetail From(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(
            report.Status.ToString(),
            report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthCheckDetail(e.Value.Status.ToString(), e.Value.Description, e.Value.Duration.TotalMilliseconds, e.Value.Tags.ToArray(), e.Value.Data.ToDictionary(d => d.Key, d => Convert.ToString(d.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")),
                StringComparer.Ordinal));
    }
}
