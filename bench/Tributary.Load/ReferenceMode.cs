namespace Tributary.Load;

/// <summary>
/// Tributary against the bare-Kestrel reference (bench/Tributary.Reference) in the same run: the same 8-feed
/// unthrottled read, raw and gzip, and the time to a first item, alternating between the two servers so that
/// both see the same machine. Every figure is reported as a ratio to the reference. The reads are made by curl,
/// writing to /dev/null: a client that costs almost nothing, so the two cores go to the servers (the .NET
/// client of the throughput mode, which counts every line, took a core of its own and capped both servers).
/// </summary>
internal static class ReferenceMode
{
    private const int Rounds = 5;
    private const int FirstItemSamples = 200;
    private static readonly string Feeds = string.Join(',', Enumerable.Range(1, 8).Select(i => $"c{i}"));

    public static async Task<List<LoadResult>> RunAsync(HttpClient app, HttpClient reference, long perFeed, CancellationToken cancellationToken)
    {
        var items = 8 * perFeed;
        var appUrl = new Uri(app.BaseAddress!, $"/api/stream?feeds={Feeds}&rate=0&count={perFeed}&format=ndjson");
        var referenceUrl = new Uri(reference.BaseAddress!, $"/stream?feeds={Feeds}&count={perFeed}");
        var (rawApp, rawReference) = await CompareAsync(
            () => CurlClient.RateAsync(appUrl, items, gzip: false, cancellationToken),
            () => CurlClient.RateAsync(referenceUrl, items, gzip: false, cancellationToken));
        var (gzipApp, gzipReference) = await CompareAsync(
            () => CurlClient.RateAsync(appUrl, items, gzip: true, cancellationToken),
            () => CurlClient.RateAsync(referenceUrl, items, gzip: true, cancellationToken));

        // Unmeasured: the first-item path of both servers reaches its optimized code (JIT tiering) first.
        await ThroughputMode.TimeToFirstItemAsync(app, "/api/stream?feeds=c1&rate=0&count=1", FirstItemSamples, cancellationToken);
        await ThroughputMode.TimeToFirstItemAsync(reference, "/stream?feeds=c1&count=1", FirstItemSamples, cancellationToken);
        var firstApp = new List<TimeSpan>();
        var firstReference = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            firstApp.AddRange(await ThroughputMode.TimeToFirstItemAsync(app, "/api/stream?feeds=c1&rate=0&count=1", FirstItemSamples / 4, cancellationToken));
            firstReference.AddRange(await ThroughputMode.TimeToFirstItemAsync(reference, "/stream?feeds=c1&count=1", FirstItemSamples / 4, cancellationToken));
        }

        var appFirst = ThroughputMode.Median(firstApp).TotalMilliseconds;
        var referenceFirst = ThroughputMode.Median(firstReference).TotalMilliseconds;
        return
        [
            Ratio("raw NDJSON, 8 feeds, one client", rawApp, rawReference, 0.6),
            Ratio("gzip, 8 feeds, one client", gzipApp, gzipReference, 0.7),
            new("reference", $"time to first item, p50 of {FirstItemSamples}",
                $"{appFirst:0.00} ms (reference {referenceFirst:0.00} ms, {appFirst / referenceFirst:0.00}×)",
                "≤ 0.25 ms", appFirst <= 0.25),
        ];
    }

    private static LoadResult Ratio(string measure, List<double> app, List<double> reference, double target)
    {
        var (a, r) = (Median(app), Median(reference));
        return new("reference", measure,
            $"**{a / r:0.00}×**: {a:N0} vs {r:N0} items/s (medians of {app.Count}; Tributary {app.Min():N0}–{app.Max():N0}, reference {reference.Min():N0}–{reference.Max():N0})",
            $"≥ {target:0.0}×", a / r >= target);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    // Two unmeasured runs of each, then measured runs alternating between the servers.
    private static async Task<(List<double> App, List<double> Reference)> CompareAsync(Func<Task<double>> app, Func<Task<double>> reference)
    {
        for (var i = 0; i < 2; i++)
        {
            await app();
            await reference();
        }

        var (appRates, referenceRates) = (new List<double>(), new List<double>());
        for (var i = 0; i < Rounds; i++)
        {
            appRates.Add(await app());
            referenceRates.Add(await reference());
        }

        return (appRates, referenceRates);
    }
}
