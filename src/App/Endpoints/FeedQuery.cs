using System.Globalization;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Endpoints;

/// <summary>
/// Reads a stream request's query parameters into a <see cref="FeedRequestInput"/>. Only the syntax is
/// checked here (numbers that are not numbers); what the values may be is for <see cref="FeedRequestRules"/>.
/// </summary>
internal static class FeedQuery
{
    public static (FeedRequestInput? Input, string? Error) Read(IQueryCollection query, string? lastEventId)
    {
        var (limit, limitError) = ReadWhole(query, "limit");
        var (tail, tailError) = ReadWhole(query, "tail");
        var (rate, count, overrideError) = ReadOverrides(query);
        var error = limitError ?? tailError ?? overrideError;
        if (error is not null)
        {
            return (null, error);
        }

        // ?since= wins over Last-Event-ID (an EventSource sends the latter by itself when it reconnects).
        var (since, source) = query.ContainsKey("since") ? (query["since"].ToString(), "since") : (lastEventId, "Last-Event-ID");
        return (new FeedRequestInput(query["feeds"], rate, count, limit, since, source, tail), null);
    }

    /// <summary>Reads the counter overrides <c>rate</c> and <c>count</c>.</summary>
    public static (double? Rate, long? Count, string? Error) ReadOverrides(IQueryCollection query)
    {
        double? rate = null;
        if (query.ContainsKey("rate"))
        {
            var raw = query["rate"].ToString();
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                return (null, null, $"rate must be a number of items per second, but was '{raw}'.");
            }

            rate = parsed;
        }

        var (count, countError) = ReadWhole(query, "count");
        return (rate, count, countError);
    }

    private static (long? Value, string? Error) ReadWhole(IQueryCollection query, string name)
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
}
