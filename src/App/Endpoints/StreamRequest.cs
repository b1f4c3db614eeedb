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
    StreamPosition Since)
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
        var (feeds, feedError) = FeedSelection.Resolve(query["feeds"], catalog, limits.MaxFeedsPerRequest);
        if (feedError is not null)
        {
            return (null, feedError);
        }

        var (format, formatError) = ParseFormat(query["format"], http.Headers.Accept);
        if (formatError is not null)
        {
            return (null, formatError);
        }

        var (limit, limitError) = ParseWhole(query, "limit");
        limitError ??= limit is { } l ? FeedSelection.CheckLimit(l) : null;
        var (overrides, overrideError) = ParseOverrides(query, feeds!);
        var error = limitError ?? overrideError;
        if (error is not null)
        {
            return (null, error);
        }

        var (since, sinceError) = ParseSince(query, http.Headers["Last-Event-ID"].FirstOrDefault());
        if (sinceError is not null)
        {
            return (null, sinceError);
        }

        return (new StreamRequest(feeds!, format, limit, overrides!, since), null);
    }

    // ?since= wins over Last-Event-ID (an EventSource sends the latter by itself when it reconnects).
    private static (StreamPosition Since, string? Error) ParseSince(IQueryCollection query, string? lastEventId)
    {
        var (name, text) = query.ContainsKey("since") ? ("since", query["since"].ToString()) : ("Last-Event-ID", lastEventId);
        return StreamPosition.TryParse(text, out var since)
            ? (since, null)
            : (StreamPosition.Empty, $"{name} must be feed:seq[,feed:seq...], but was '{text}'.");
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

    private static (long? Value, string? Error) ParseWhole(IQueryCollection query, string name)
    {
        if (!query.ContainsKey(name))
        {
            return (null, null);
        }

        var raw = query[name].ToString();
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? (value, null)
            : (null, $"{name} must be a whole number, but was '{raw}'.");
    }

    /// <summary>Reads <c>rate</c> and <c>count</c> from a query, with the counter-only rules (also used by exports).</summary>
    internal static (CounterOverrides? Overrides, string? Error) ParseOverrides(IQueryCollection query, IReadOnlyList<FeedDefinition> feeds)
    {
        var hasRate = query.ContainsKey("rate");
        var hasCount = query.ContainsKey("count");
        var error = FeedSelection.CheckOverridesAllowed(feeds, hasRate || hasCount);
        if (error is not null || !(hasRate || hasCount))
        {
            return (error is null ? CounterOverrides.None : null, error);
        }

        double? rate = null;
        if (hasRate)
        {
            var raw = query["rate"].ToString();
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                return (null, $"rate must be a number of items per second, but was '{raw}'.");
            }

            error = FeedSelection.CheckRate(feeds, parsed);
            rate = parsed;
        }

        var (count, countError) = hasCount ? ParseWhole(query, "count") : (null, null);
        error ??= countError ?? (count is { } c ? FeedSelection.CheckCount(feeds, c) : null);
        return error is null ? (new CounterOverrides(rate, count), null) : (null, error);
    }
}
