using System.Globalization;
using Tributary.App.Feeds;

namespace Tributary.App.Endpoints;

/// <summary>
/// The rules for what a stream may ask for, shared by the raw endpoint and the hub so both answer bad input
/// with the same words: which feeds (known, at least one, at most the limit, duplicates merged) and the
/// counter-only overrides.
/// </summary>
public static class FeedSelection
{
    /// <summary>Resolves feed names (each may hold a comma-separated list) against the catalog.</summary>
    public static (IReadOnlyList<FeedDefinition>? Feeds, string? Error) Resolve(IEnumerable<string?> values, FeedCatalog catalog, int maxFeeds)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(catalog);
        var names = values
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var known = string.Join(", ", catalog.Feeds.Select(f => f.Name));
        if (names.Count == 0)
        {
            return (null, $"No feeds were requested. Pass feeds=name[,name...]; known feeds: {known}.");
        }

        if (names.Count > maxFeeds)
        {
            return (null, $"{names.Count} feeds were requested; at most {maxFeeds} can be merged in one stream.");
        }

        var feeds = new List<FeedDefinition>(names.Count);
        foreach (var name in names)
        {
            var feed = catalog.Find(name);
            if (feed is null)
            {
                return (null, $"Unknown feed '{name}'. Known feeds: {known}.");
            }

            feeds.Add(feed);
        }

        return (feeds, null);
    }

    /// <summary>Checks that overrides, if any, target only counter feeds.</summary>
    public static string? CheckOverridesAllowed(IReadOnlyList<FeedDefinition> feeds, bool hasOverrides)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        var notCounter = hasOverrides ? feeds.FirstOrDefault(f => !f.IsCounter) : null;
        return notCounter is null
            ? null
            : $"rate and count apply only to counter feeds, but '{notCounter.Name}' is a {notCounter.Kind} feed.";
    }

    /// <summary>Checks a counter rate against the lowest <c>MaxRate</c> of the feeds.</summary>
    public static string? CheckRate(IReadOnlyList<FeedDefinition> feeds, double rate)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        var maxRate = feeds.Min(f => f.MaxRate);
        return double.IsFinite(rate) && rate >= 0 && rate <= maxRate
            ? null
            : $"rate must be between 0 (as fast as possible) and {maxRate.ToString(CultureInfo.InvariantCulture)}, but was {rate.ToString(CultureInfo.InvariantCulture)}.";
    }

    /// <summary>Checks a counter count against the lowest <c>MaxCount</c> of the feeds.</summary>
    public static string? CheckCount(IReadOnlyList<FeedDefinition> feeds, long count)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        var maxCount = feeds.Min(f => f.MaxCount);
        return count >= 0 && count <= maxCount ? null : $"count must be between 0 and {maxCount}, but was {count}.";
    }

    /// <summary>Checks an item limit.</summary>
    public static string? CheckLimit(long limit) =>
        limit >= 1 ? null : $"limit must be between 1 and {long.MaxValue}, but was {limit}.";
}
