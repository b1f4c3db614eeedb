using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.App.Dashboard.State;

/// <summary>One feed on the operators' overview: the catalog's entry, and how it is doing on this server.</summary>
/// <param name="Feed">The catalog's entry.</param>
/// <param name="Stats">Its shared-feed counters here; null for a feed private to each stream, or not read yet here.</param>
/// <param name="ItemsPerSecond">Its sequence's growth since the previous reading; null on the first.</param>
public sealed record OverviewRow(FeedInfo Feed, SharedFeedSnapshot? Stats, double? ItemsPerSecond)
{
    /// <summary>
    /// The overview's rows for <paramref name="catalog"/> from <paramref name="now"/>'s stats, with item rates against
    /// <paramref name="before"/>, taken <paramref name="elapsed"/> earlier.
    /// </summary>
    public static IReadOnlyList<OverviewRow> From(IReadOnlyList<FeedInfo> catalog, StreamStatsSnapshot now, StreamStatsSnapshot? before, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(now);
        return [.. catalog.Select(feed =>
        {
            var stats = now.Feeds.GetValueOrDefault(feed.Name);
            // Only between two readings of the same instance with the feed running in both: behind a load balancer
            // the next reading may come from another instance, and an idle feed's number jumps when a reader comes.
            double? rate = stats is { State: not "idle" } && before is { } earlier && earlier.Instance == now.Instance
                && earlier.Feeds.GetValueOrDefault(feed.Name) is { State: not "idle" } previous && elapsed > TimeSpan.Zero
                ? Math.Max(0, stats.Sequence - previous.Sequence) / elapsed.TotalSeconds
                : null;
            return new OverviewRow(feed, stats, rate);
        })];
    }
}
