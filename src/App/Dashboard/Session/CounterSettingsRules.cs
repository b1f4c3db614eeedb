using System.Globalization;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.Session;

/// <summary>
/// The server's limits on a counter's rate and count, checked in the form before anything is sent, and said in
/// the user's words. The server checks again; this only spares the user a refused stream.
/// </summary>
public static class CounterSettingsRules
{
    /// <summary>What is wrong with <paramref name="rate"/> for the selected counters, or null when it is fine (null: each feed's own).</summary>
    public static string? RateProblem(double? rate, IEnumerable<FeedInfo> counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        if (rate is not { } value || value == 0)
        {
            return null;
        }

        // A limit of 0 is one the server did not say (an older server): the server checks it anyway.
        var max = counters.Select(f => f.MaxRate).Where(m => m > 0).DefaultIfEmpty(double.MaxValue).Min();
        return double.IsFinite(value) && value >= FeedDefinition.MinRate && value <= max
            ? null
            : $"Rate must be 0 (as fast as possible) or from {Number(FeedDefinition.MinRate)} to {Number(max)} items per second.";
    }

    /// <summary>What is wrong with <paramref name="count"/> for the selected counters, or null when it is fine (null: each feed's own).</summary>
    public static string? CountProblem(long? count, IEnumerable<FeedInfo> counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        if (count is not { } value)
        {
            return null;
        }

        var max = counters.Select(f => f.MaxCount).Where(m => m > 0).DefaultIfEmpty(long.MaxValue).Min();
        return value >= 0 && value <= max ? null : $"Count must be from 0 (no limit) to {Number(max)} items.";
    }

    private static string Number(double value) => value.ToString("#,0.###", CultureInfo.CurrentCulture);
}
