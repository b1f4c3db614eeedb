namespace Tributary.App.Feeds.Postgres;

/// <summary>
/// Delays between attempts to reach the database again: 100 ms doubling to a ceiling, with up to 20%
/// jitter so instances that lost the same server do not come back in step.
/// </summary>
internal static class PostgresBackoff
{
    public static TimeSpan Delay(int attempt, TimeSpan max)
    {
        var doubled = TimeSpan.FromMilliseconds(100 * Math.Pow(2, Math.Clamp(attempt - 1, 0, 16)));
        var delay = doubled < max ? doubled : max;
        return delay * (1 - (0.2 * Random.Shared.NextDouble()));
    }
}
