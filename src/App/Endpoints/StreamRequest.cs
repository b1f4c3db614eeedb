using System.Globalization;
using Microsoft.Net.Http.Headers;
using Tributary.App.Feeds;

namespace Tributary.App.Endpoints;

/// <summary>A validated <c>GET /api/stream</c> request.</summary>
public sealed record StreamRequest(
    IReadOnlyList<FeedDefinition> Feeds,
    StreamFormat Format,
    long? Limit,
    CounterOverrides Overrides,
    string? LastEventId)
{
    /// <summary>
    /// Reads and checks the query. Returns the request, or a message naming what is wrong with it.
    /// </summary>
    public static (StreamRequest? Request, string? Error) Parse(HttpRequest http, FeedCatalog catalog, StreamingOptions limits)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(limits);
        var query = http.Query;
        var (feeds, feedError) = ParseFeeds(query["feeds"], catalog, limits.MaxFeedsPerRequest);
        if (feedError is not null)
        {
            return (null, feedError);
        }

        var (format, formatError) = ParseFormat(query["format"], http.Headers.Accept);
        if (formatError is not null)
        {
            return (null, formatError);
        }

        var (limit, limitError) = ParseWhole(query, "limit", 1, long.MaxValue);
        var (overrides, overrideError) = ParseOverrides(query, feeds!);
        var error = limitError ?? overrideError;
        if (error is not null)
        {
            return (null, error);
        }

        return (new StreamRequest(feeds!, format, limit, overrides!, http.Headers["Last-Event-ID"].FirstOrDefault()), null);
    }

    private static (IReadOnlyList<FeedDefinition>? Feeds, string? Error) ParseFeeds(IEnumerable<string?> values, FeedCatalog catalog, int maxFeeds)
    {
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

    private static (StreamFormat Format, string? Error) ParseFormat(string? value, IEnumerable<string?> accept)
    {
        if (string.IsNullOrEmpty(value))
        {
            // An EventSource asks for text/event-stream; everyone else gets NDJSON unless they say otherwise.
            var wantsSse = MediaTypeHeaderValue.TryParseList([.. accept.OfType<string>()], out var types)
                && types.Any(t => t.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
            return (wantsSse ? StreamFormat.Sse : StreamFormat.Ndjson, null);
        }

        return StreamFormats.TryParse(value, out var format)
            ? (format, null)
            : (default, $"Unknown format '{value}'. Use {StreamFormats.Names}.");
    }

    private static (long? Value, string? Error) ParseWhole(IQueryCollection query, string name, long min, long max)
    {
        var raw = query[name].ToString();
        if (!query.ContainsKey(name))
        {
            return (null, null);
        }

        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return (null, $"{name} must be a whole number, but was '{raw}'.");
        }

        return value < min || value > max
            ? (null, $"{name} must be between {min} and {max}, but was {value}.")
            : (value, null);
    }

    private static (CounterOverrides? Overrides, string? Error) ParseOverrides(IQueryCollection query, IReadOnlyList<FeedDefinition> feeds)
    {
        var hasRate = query.ContainsKey("rate");
        var hasCount = query.ContainsKey("count");
        if (!hasRate && !hasCount)
        {
            return (CounterOverrides.None, null);
        }

        var notCounter = feeds.FirstOrDefault(f => !f.IsCounter);
        if (notCounter is not null)
        {
            return (null, $"rate and count apply only to counter feeds, but '{notCounter.Name}' is a {notCounter.Kind} feed.");
        }

        var maxRate = feeds.Min(f => f.MaxRate);
        var maxCount = feeds.Min(f => f.MaxCount);
        double? rate = null;
        if (hasRate)
        {
            var raw = query["rate"].ToString();
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed))
            {
                return (null, $"rate must be a number of items per second, but was '{raw}'.");
            }

            if (parsed < 0 || parsed > maxRate)
            {
                return (null, $"rate must be between 0 (as fast as possible) and {maxRate.ToString(CultureInfo.InvariantCulture)}, but was {raw}.");
            }

            rate = parsed;
        }

        var (count, countError) = hasCount ? ParseWhole(query, "count", 0, maxCount) : (null, null);
        return countError is null ? (new CounterOverrides(rate, count), null) : (null, countError);
    }
}
