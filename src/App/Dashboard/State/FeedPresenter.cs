using System.Globalization;
using System.Text.Json;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.State;

/// <summary>How each feed kind reads on screen: a one-line summary and the numbers worth charting.</summary>
public static class FeedPresenter
{
    public static string Describe(string kind, JsonElement data) => kind switch
    {
        FeedKind.Ticker => $"{Text(data, "symbol")} {Number(data, "price"):0.00} ({Number(data, "changePercent"):+0.00;-0.00}%)",
        FeedKind.Weather => $"{Text(data, "station")} {Number(data, "temperatureC"):0.0} °C, {Number(data, "humidityPercent"):0}% humidity, wind {Number(data, "windKph"):0} km/h {Text(data, "windDirection")}",
        FeedKind.News => Text(data, "headline"),
        FeedKind.System => $"CPU {Number(data, "cpuPercent"):0.0}% · {Number(data, "workingSetBytes") / 1_048_576:0} MB · {Count(Number(data, "activeStreams"), "stream")} · {Count(Number(data, "activeProducers"), "producer")}",
        FeedKind.Counter => string.Create(CultureInfo.InvariantCulture, $"value {Number(data, "value"):#,0}"),
        _ => data.ToString(),
    };

    /// <summary>The (series, value) pairs one item adds to its feed's chart; none for text feeds.</summary>
    public static IEnumerable<(string Series, double Value)> Points(string kind, JsonElement data) => kind switch
    {
        // Percent change puts symbols at different price levels on one comparable scale.
        FeedKind.Ticker => [(Text(data, "symbol"), Number(data, "changePercent"))],
        FeedKind.Weather => [(Text(data, "station"), Number(data, "temperatureC"))],
        FeedKind.System => [("CPU", Number(data, "cpuPercent"))],
        FeedKind.Counter => [("value", Number(data, "value"))],
        _ => [],
    };

    public static bool IsCharted(string kind) => kind is not FeedKind.News;

    /// <summary>What a kind's chart plots, as its title and the value axis' title say.</summary>
    public static ChartMeaning Meaning(string kind) => kind switch
    {
        FeedKind.Ticker => new("Change since the open, per symbol", "change (%)", "+0.##'%';-0.##'%';0'%'"),
        FeedKind.Weather => new("Temperature, per station", "temperature (°C)", "0.#' °C'"),
        FeedKind.System => new("Server CPU", "CPU (%)", "0.#'%'"),
        FeedKind.Counter => new("Counter value", "value", "#,0.##"),
        _ => new("Value", "value", "#,0.##"),
    };

    /// <summary>"1 stream", "2 streams".</summary>
    public static string Count(double count, string noun) =>
        double.IsNaN(count) ? $"– {noun}s" : Display.Count((long)Math.Round(count, MidpointRounding.AwayFromZero), noun);

    /// <summary>Extra lines a card lists under its chart: for <c>system</c>, each shared feed's state.</summary>
    public static IReadOnlyList<string> Details(string kind, JsonElement data)
    {
        if (kind != FeedKind.System || JsonFields.Field(data, "feeds") is not { ValueKind: JsonValueKind.Object } feeds)
        {
            return [];
        }

        return [.. feeds.EnumerateObject().Select(f =>
            $"{f.Name}: {Text(f.Value, "state")} · {Count(Number(f.Value, "subscribers"), "subscriber")} · {Number(f.Value, "dropped"):0} dropped")];
    }

    private static string Text(JsonElement data, string property) => JsonFields.Text(data, property);

    private static double Number(JsonElement data, string property) => JsonFields.Number(data, property);
}
