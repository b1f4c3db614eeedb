namespace Tributary.App.Operations;

/// <summary>One health check's result.</summary>
/// <param name="Status"><c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</param>
/// <param name="Description">What it found, for people.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Tags"><c>ready</c> for the checks <c>/health/ready</c> runs.</param>
/// <param name="Data">Details, such as the engine or the feeds whose upstream is down.</param>
public sealed record HealthCheckDetail(string Status, string? Description, double DurationMs, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Data);
