using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Tributary.App.Dashboard.Client;
using Tributary.App.Hubs;

namespace Tributary.Load;

/// <summary>One client reading 8 merged unthrottled counter feeds as fast as it can: plain, gzip and hub.</summary>
internal static class ThroughputMode
{
    private const int WarmUpRuns = 2;
    private const int MeasuredRuns = 3;

    private static readonly string[] Feeds = [.. Enumerable.Range(1, 8).Select(i => $"c{i}")];

    public static async Task<List<LoadResult>> RunAsync(HttpClient http, long perFeed, CancellationToken cancellationToken)
    {
        var query = $"/api/stream?feeds={string.Join(',', Feeds)}&rate=0&count={perFeed}&format=ndjson";
        var plain = await MeasureAsync(() => CountHttpAsync(http, query, gzip: false, cancellationToken));
        var gzip = await MeasureAsync(() => CountHttpAsync(http, query, gzip: true, cancellationToken));
        var hub = await MeasureAsync(() => CountHubAsync(http.BaseAddress!, perFeed, cancellationToken));
        var firstItem = Median(await TimeToFirstItemAsync(http, "/api/stream?feeds=c1&rate=0&count=1", 50, cancellationToken));
        return
        [
            Rate("raw NDJSON, 8 feeds, one client", plain, Feeds.Length * perFeed, 1_750_000),
            Rate("gzip (sync flush per coalesced write)", gzip, Feeds.Length * perFeed, 500_000),
            Rate("hub (Stream via the SignalR .NET client)", hub, Feeds.Length * perFeed, 500_000),
            new("throughput", "time to first item (median of 50)", $"{firstItem.TotalMilliseconds:0.00} ms", "< 1 ms", firstItem.TotalMilliseconds < 1),
        ];
    }

    private static LoadResult Rate(string measure, IReadOnlyList<double> rates, long runItems, double target)
    {
        var median = rates.Order().ElementAt(rates.Count / 2);
        return new(
            "throughput",
            measure,
            $"{median:N0} items/s (median of {rates.Count} runs of {runItems:N0}; range {rates.Min():N0}–{rates.Max():N0})",
            $"≥ {target:N0} items/s",
            median >= target);
    }

    // Full-size runs first, unmeasured, so that both processes run their final, profile-guided tier-1 code
    // rather than timing the JIT: on this machine the rate still rose from the first run after start to the
    // third, and was steady from there. Then the items-per-second rate of each measured run.
    internal static async Task<IReadOnlyList<double>> MeasureAsync(Func<Task<long>> run)
    {
        for (var i = 0; i < WarmUpRuns; i++)
        {
            await run();
        }

        var rates = new List<double>();
        for (var i = 0; i < MeasuredRuns; i++)
        {
            var clock = Stopwatch.StartNew();
            var items = await run();
            rates.Add(items / clock.Elapsed.TotalSeconds);
        }

        return rates;
    }

    internal static async Task<long> CountHttpAsync(HttpClient http, string query, bool gzip, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        if (gzip)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var stream = gzip ? new GZipStream(body, CompressionMode.Decompress) : body;
        return await CountLinesAsync(stream, cancellationToken);
    }

    internal static async Task<long> CountLinesAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long lines = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }

    private static async Task<long> CountHubAsync(Uri server, long perFeed, CancellationToken cancellationToken)
    {
        await using var connection = FeedHubConnection.Build(new Uri(server, FeedHub.Path));
        await connection.StartAsync(cancellationToken);
        long items = 0;
        var stream = connection.StreamAsync<JsonElement>(nameof(FeedHub.StreamWith), Feeds, new HubStreamOptions(Rate: 0, Count: perFeed), cancellationToken);
        await foreach (var _ in stream)
        {
            items++;
        }

        return items;
    }

    internal static TimeSpan Median(List<TimeSpan> samples) => samples.Order().ElementAt(samples.Count / 2);

    /// <summary>Times <paramref name="samples"/> requests of <paramref name="path"/> from sending to the first record's newline.</summary>
    internal static async Task<List<TimeSpan>> TimeToFirstItemAsync(HttpClient http, string path, int samples, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>(samples);
        var one = new byte[1];
        for (var i = 0; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (await body.ReadAsync(one, cancellationToken) == 1 && one[0] != (byte)'\n')
            {
            }

            times.Add(clock.Elapsed);
        }

        return times;
    }
}
