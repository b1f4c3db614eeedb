using System.Globalization;
using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds.Requests;

/// <summary>
/// The rules for what a stream may ask for, in one place, so the raw endpoint, the exports and the hub answer
/// bad input with the same words: which feeds (known to the caller, at least one, at most the limit, duplicates
/// merged; a feed the caller may not watch is unknown to it), the counter-only overrides within each feed's maxima, the item limit, and the
/// resume position.
/// </summary>
public sealed class FeedRequestRules(FeedCatalog catalog, IOptions<StreamingOptions> options)
{
    /// <summary>Checks <paramref name="input"/> for a caller who may watch everything (authentication off).</summary>
    public FeedRequestCheck Check(FeedRequestInput input) => Check(input, FeedPermissions.Everything);

    /// <summary>
    /// Checks <paramref name="input"/> for a caller with <paramref name="access"/>. Returns the request, or a message
    /// naming what is wrong with it; <see cref="FeedRequestCheck.HiddenFeed"/> when it named a feed the caller may not watch.
    /// </summary>
    public FeedRequestCheck Check(FeedRequestInput input, FeedPermissions access)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(access);
        var (feeds, error, hidden) = Resolve(input.Feeds, access);
        if (feeds is null)
        {
            return new(null, error, hidden);
        }

        error = (input.Limit is { } limit ? CheckLimit(limit) : null) ?? (input.Tail is { } tail ? CheckTail(feeds, tail, input.Rate is not null || input.Count is not null) : null) ?? CheckOverrides(feeds, input.Rate, input.Count);
        if (error is not null)
        {
            return new(null, error);
        }

        if (!StreamPosition.TryParse(input.Since, out var since))
        {
            return new(null, $"{input.SinceSource} must be feed:seq[@epoch][,feed:seq[@epoch]...], but was '{input.Since}'.");
        }

        var overrides = input.Rate is null && input.Count is null ? CounterOverrides.None : new CounterOverrides(input.Rate, input.Count);
        return new(new FeedRequest(feeds, overrides, input.Limit, since, (int)Math.Min(input.Tail ?? 0, int.MaxValue)), null);
    }

    /// <summary>The catalog's feeds that <paramref name="access"/> may watch, in catalog order.</summary>
    public IEnumerable<FeedDefinition> Visible(FeedPermissions access) => catalog.Feeds.Where(access.CanWatch);

    /// <summary>The names an error message may offer as "known feeds": only those the caller could watch.</summary>
    public string KnownFeeds(FeedPermissions access) => string.Join(", ", Visible(access).Select(f => f.Name));

    /// <summary>The feed named <paramref name="name"/> if the caller may watch it; to anyone else it does not exist.</summary>
    public FeedDefinition? FindVisible(string name, FeedPermissions access) =>
        catalog.Find(name) is { } feed && access.CanWatch(feed) ? feed : null;

    private (IReadOnlyList<FeedDefinition>? Feeds, string? Error, string? Hidden) Resolve(IEnumerable<string?> values, FeedPermissions access)
    {
        var names = values
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var known = KnownFeeds(access);
        if (names.Count == 0)
        {
            return (null, $"No feeds were requested. Pass feeds=name[,name...]; known feeds: {known}.", null);
        }

        var maxFeeds = options.Value.MaxFeedsPerRequest;
        if (names.Count > maxFeeds)
        {
            return (null, $"{names.Count} feeds were requested; at most {maxFeeds} can be merged in one stream.", null);
        }

        var feeds = new List<FeedDefinition>(names.Count);
        foreach (var name in names)
        {
            var feed = FindVisible(name, access);
            if (feed is null)
            {
                return (null, $"Unknown feed '{name}'. Known feeds: {known}.", catalog.Find(name)?.Name);
            }

            feeds.Add(feed);
        }

        return (feeds, null, null);
    }

    private static string? CheckOverrides(IReadOnlyList<FeedDefinition> feeds, double? rate, long? count)
    {
        if (rate is null && count is null)
        {
            return null;
        }

        var notCounter = feeds.FirstOrDefault(f => !f.IsCounter);
        if (notCounter is not null)
        {
            return $"rate and count apply only to counter feeds, but '{notCounter.Name}' is a {notCounter.Kind} feed.";
        }

        return (rate is { } r ? CheckRate(feeds, r) : null) ?? (count is { } c ? CheckCount(feeds, c) : null);
    }

    // Against the lowest MaxRate of the feeds: one rate applies to all of them. Below MinRate the pacer could
    // not schedule the items; 0 means unpaced.
    private static string? CheckRate(IReadOnlyList<FeedDefinition> feeds, double rate)
    {
        var maxRate = feeds.Min(f => f.MaxRate);
        return rate == 0 || (rate >= FeedDefinition.MinRate && rate <= maxRate)
            ? null
            : $"rate must be 0 (as fast as possible) or between {FeedDefinition.MinRate.ToString(CultureInfo.InvariantCulture)} and {maxRate.ToString(CultureInfo.InvariantCulture)}, but was {rate.ToString(CultureInfo.InvariantCulture)}.";
    }

    private static string? CheckCount(IReadOnlyList<FeedDefinition> feeds, long count)
    {
        var maxCount = feeds.Min(f => f.MaxCount);
        return count >= 0 && count <= maxCount ? null : $"count must be between 0 and {maxCount}, but was {count}.";
    }

    // A tail is "up to N": each feed gives what its history keeps. It is refused only where it could give nothing,
    // rather than ignored without a word.
    private static string? CheckTail(IReadOnlyList<FeedDefinition> feeds, long tail, bool hasOverrides) => tail switch
    {
        < 0 => $"tail must be 0 or more, but was {tail}.",
        0 => null,
        _ when hasOverrides => "tail replays the history of shared feeds, but with rate or count every feed runs privately for this stream and keeps none.",
        _ when !feeds.Any(f => f.IsShared) => $"tail replays the history of shared feeds, but {string.Join(", ", feeds.Select(f => $"'{f.Name}'"))} {(feeds.Count == 1 ? "runs" : "run")} privately for each stream and {(feeds.Count == 1 ? "keeps" : "keep")} none.",
        _ => null,
    };

    private static string? CheckLimit(long limit) =>
        limit >= 1 ? null : $"limit must be between 1 and {long.MaxValue}, but was {limit}.";
}
