using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Tributary.App.Dashboard.State;

namespace Tributary.App.Dashboard.Session;

/// <summary>
/// The part of the dashboard's state that lives in its address, so that reload, back/forward and a shared link
/// reproduce the view: <c>/?feeds=news,ticker&amp;autostart=true&amp;rate=50&amp;count=1000</c>, and the timeline's
/// filter: <c>show=ticker&amp;q=ACME&amp;field=symbol&amp;value=ACME</c>.
/// </summary>
/// <param name="Feeds">The selected feeds, or null when the address names none (the session keeps its own).</param>
/// <param name="Running">Whether the selection streams (<c>autostart</c>).</param>
/// <param name="Rate">The counter's items per second, or null for the feed's own.</param>
/// <param name="Count">The counter's item count, or null for the feed's own.</param>
public sealed record DashboardAddress(IReadOnlyList<string>? Feeds, bool Running, double? Rate, long? Count)
{
    /// <summary>Which timeline rows show.</summary>
    public TimelineFilter Filter { get; init; } = TimelineFilter.None;

    /// <summary>How much time the charts show, or null to leave it as it is.</summary>
    public ChartWindow? Window { get; init; }

    /// <summary>Reads <c>window</c> (minutes: 1, 5 or 15); anything else is null, and reported in <paramref name="problem"/> when present.</summary>
    public static ChartWindow? ParseWindow(string? minutes, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(minutes))
        {
            return null;
        }

        if (int.TryParse(minutes, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && ChartWindow.Of(value) is { } window)
        {
            return window;
        }

        problem = $"The address' chart window '{Shorten(minutes)}' is not one of {string.Join(", ", ChartWindow.All.Select(w => w.Minutes))} minutes; the charts show the last {ChartWindow.OneMinute.Label}.";
        return null;
    }

    /// <summary>Reads the timeline's filter from the query parameters; absent ones filter nothing.</summary>
    public static TimelineFilter ParseFilter(string? show, string? text, string? field, string? value) => new(
        string.IsNullOrWhiteSpace(show) ? null : show.Trim(),
        string.IsNullOrEmpty(text) ? null : text,
        string.IsNullOrWhiteSpace(field) ? null : field.Trim(),
        string.IsNullOrWhiteSpace(field) ? null : value ?? "");

    /// <summary>Reads the query parameters (null when absent); a value that is not a number is reported in <paramref name="problem"/> and ignored.</summary>
    public static DashboardAddress Parse(string? feeds, string? autostart, string? rate, string? count, out string? problem)
    {
        problem = null;
        // Absent: the address says nothing about feeds. Present but empty: none are selected.
        var names = feeds?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var running = string.Equals(autostart, "true", StringComparison.OrdinalIgnoreCase) || autostart == "1";
        double? parsedRate = null;
        long? parsedCount = null;
        if (!string.IsNullOrEmpty(rate))
        {
            if (double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0)
            {
                parsedRate = value;
            }
            else
            {
                problem = $"The address' rate '{Shorten(rate)}' is not a number of items per second (0 or more); the counter's own rate is used.";
            }
        }

        if (!string.IsNullOrEmpty(count))
        {
            if (long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                parsedCount = value;
            }
            else
            {
                problem = (problem is null ? "" : problem + " ") + $"The address' count '{Shorten(count)}' is not a whole number of items (0 or more); the counter's own count is used.";
            }
        }

        return new DashboardAddress(names, running, parsedRate, parsedCount);
    }

    /// <summary>The address relative to the app's base, e.g. <c>?feeds=news&amp;autostart=true</c> (empty feeds: <c>?feeds=</c>).</summary>
    public string ToRelativeUri()
    {
        var query = new List<KeyValuePair<string, string?>> { new("feeds", string.Join(',', Feeds ?? [])) };
        if (Running)
        {
            query.Add(new("autostart", "true"));
        }

        if (Rate is { } rate)
        {
            query.Add(new("rate", rate.ToString(CultureInfo.InvariantCulture)));
        }

        if (Count is { } count)
        {
            query.Add(new("count", count.ToString(CultureInfo.InvariantCulture)));
        }

        if (Window is { } window && window != ChartWindow.OneMinute)
        {
            query.Add(new("window", window.Minutes.ToString(CultureInfo.InvariantCulture)));
        }

        if (Filter.Feed is { } show)
        {
            query.Add(new("show", show));
        }

        if (Filter.Text is { } text)
        {
            query.Add(new("q", text));
        }

        if (Filter.Field is { } field)
        {
            query.Add(new("field", field));
            query.Add(new("value", Filter.Value ?? ""));
        }

        // Commas stay readable: feed names cannot contain one, so the list needs no escaping of its separator.
        return QueryHelpers.AddQueryString("", query).Replace("%2C", ",", StringComparison.Ordinal);
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
