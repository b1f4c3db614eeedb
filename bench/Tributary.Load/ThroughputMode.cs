using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Tributary.App.Hubs;
using Tributary.App.Hubs.Client;

namespace Tributary.Load;

/// <summary>One client reading 8 merged unthrottled counter feeds as fast as it can: plain, gzip and hub.</summary>
internal static class ThroughputMode
{
    private static readonly string[] Feeds = [.. Enumerable.Range(1, 8).Select(i => $"c{i}")];

    public static async Task<List<LoadResult>> RunAsync(HttpClient http, long perFeed, CancellationToken cancellationToken)
    {
        var query = $"/api/stream?feeds={string.Join(',', Feeds)}&rate=0&count={perFeed}&format=ndjson";
        await CountHttpAsync(http, query.Replace($"count={perFeed}", "count=20000", StringComparison.Ordinal), gzip: false, cancellationToken); // warm up
        var plain = await MeasureAsync(() => CountHttpAsync(http, query, gzip: false, cancellationToken));
        var gzip = await MeasureAsync(() => CountHttpAsync(http, query, gzip: true, cancellationToken));
        var hub = await MeasureAsync(() => CountHubAsync(http.BaseAddress!, perFeed, cancellationToken));
        var firstItem = await TimeToFirstItemAsync(http, cancellationToken);
        return
        [
            Rate("raw NDJSON, 8 feeds, one client", plain, 1_750_000),
            Rate("gzip (sync flush per coalesced write)", gzip, 500_000),
            Rate("hub (Stream via the SignalR client core)", hub, 500_000),
            new("throughput", "time to first item (median of 50)", $"{firstItem.TotalMilliseconds:0.00} ms", "< 1 ms", firstItem.TotalMilliseconds < 1),
        ];
    }

    private static LoadResult Rate(string measure, (long Items, TimeSpan Elapsed) run, double target)
    {
        var rate = run.Items / run.Elapsed.TotalSeconds;
        return new("throughput", measure, $"{rate:N0} items/s ({run.Items:N0} in {run.Elapsed.TotalSeconds:0.00} s)", $"≥ {target:N0} items/s", rate >= target);
    }

    private static async Task<(long, TimeSpan)> MeasureAsync(Func<Task<long>> run)
    {
        var clock = Stopwatch.StartNew();
        var items = await run();
        return (items, clock.Elapsed);
    }

    private static async Task<long> CountHttpAsync(HttpClient http, string query, bool gzip, CancellationToken cancellationToken)
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

    private static async Task<long> CountLinesAsync(Stream stream, CancellationToken cancellationToken)
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

    private static async Task<TimeSpan> TimeToFirstItemAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var samples = new List<TimeSpan>();
        for (var i = 0; i < 50; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync($"/api/stream?feeds=c1&rate=0&count=1", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var one = new byte[1];
            while (await body.ReadAsync(one, cancellationToken) == 1 && one[0] != (byte)'\n')
            {
            }

            samples.Add(clock.Elapsed);
        }

        return samples.Order().ElementAt(samples.Count / 2);
    }
}
