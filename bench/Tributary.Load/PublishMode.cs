using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Tributary.Load;

/// <summary>
/// Publishing, on each engine: accepted publishes per second, one item per request and 100 per request (16
/// concurrent publishers, one HTTP connection each), and publish→deliver latency to 100 readers of the feed while one
/// publisher sends 200 items a second. Each engine gets a fresh Release instance with a push feed; the PostgreSQL one
/// uses the given database. Latency is measured from just before the POST to the item's arrival at a reader, on
/// one clock (the item carries the sender's Stopwatch timestamp).
/// </summary>
internal static class PublishMode
{
    private const int Publishers = 16;
    private const int Readers = 100;
    private const int LatencyRate = 200;

    public static async Task<List<LoadResult>> RunAsync(string binary, string connectionString, TimeSpan hold, CancellationToken cancellationToken)
    {
        string[] common =
        [
            "--Logging:LogLevel:Default=Warning", "--Streaming:MaxStreamsPerClient=1000", "--Publishing:ItemsPerSecond=100000000",
            "--Feeds:70:Name=pushed", "--Feeds:70:Kind=push", "--Feeds:70:SubscriberBuffer=65536", "--Feeds:70:Linger=00:00:00",
        ];
        var results = new List<LoadResult>();
        using (var memory = new EngineInstance(binary, 5092, common))
        {
            await memory.StartAsync(cancellationToken);
            results.AddRange(await MeasureAsync("memory", memory.Url, hold, cancellationToken));
        }

        using (var postgres = new EngineInstance(binary, 5093, [.. common, "--Sharing:Engine=Postgres", $"--ConnectionStrings:Tributary={connectionString}"]))
        {
            await postgres.StartAsync(cancellationToken);
            results.AddRange(await MeasureAsync("postgres", postgres.Url, hold, cancellationToken));
        }

        return results;
    }

    private static async Task<List<LoadResult>> MeasureAsync(string engine, Uri url, TimeSpan hold, CancellationToken cancellationToken)
    {
        var single = await RateAsync(url, batch: 1, hold, cancellationToken);
        var batched = await RateAsync(url, batch: 100, hold, cancellationToken);
        var (p50, p99, delivered) = await LatencyAsync(url, hold, cancellationToken);
        return
        [
            new($"publish ({engine})", $"one item per request, {Publishers} publishers: accepted publishes/s", single.ToString("N0", CultureInfo.InvariantCulture), "–", null),
            new($"publish ({engine})", $"100 items per request, {Publishers} publishers: accepted items/s", batched.ToString("N0", CultureInfo.InvariantCulture), "–", null),
            new($"publish ({engine})", $"{LatencyRate} items/s to {Readers} readers: publish→deliver p50 / p99 (items seen by every reader)", $"{p50:F2} / {p99:F2} ms ({delivered})", "–", null),
        ];
    }

    private static async Task<double> RateAsync(Uri url, int batch, TimeSpan hold, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(hold);
        var body = batch == 1
            ? """{"data":{"order":17,"status":"created"}}"""
            : string.Concat(Enumerable.Repeat("{\"data\":{\"order\":17,\"status\":\"created\"}}\n", batch));
        var type = batch == 1 ? "application/json" : "application/x-ndjson";
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async _ =>
        {
            using var http = new HttpClient { BaseAddress = url };
            long accepted = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var response = await PostAsync(http, body, type, stop.Token);
                    response.EnsureSuccessStatusCode();
                    accepted += batch;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            return accepted;
        }));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    private static async Task<(double P50, double P99, string Delivered)> LatencyAsync(Uri url, TimeSpan hold, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = Enumerable.Range(0, Readers).Select(_ => ReadAsync(url, stop.Token)).ToList();
        // Every reader joined before the first measured publish.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        using var http = new HttpClient { BaseAddress = url };
        var count = (int)(hold.TotalSeconds * LatencyRate);
        var interval = Stopwatch.Frequency / LatencyRate;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Yield();
            }

            using var response = await PostAsync(http, $$$"""{"data":{"sent":{{{Stopwatch.GetTimestamp()}}}}}""", "application/json", cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await stop.CancelAsync();
        var seen = await Task.WhenAll(readers);
        var latencies = seen.SelectMany(s => s).Order().ToList();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Count - 1, q * latencies.Count)];
        var complete = seen.Count(s => s.Count == count);
        return (P(0.50), P(0.99), $"{complete} of {Readers} readers got all {count}");
    }

    private static async Task<List<double>> ReadAsync(Uri url, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        var latencies = new List<double>();
        try
        {
            using var response = await http.GetAsync("/api/stream?feeds=pushed", HttpCompletionOption.ResponseHeadersRead, stop);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop), Encoding.UTF8);
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                var now = Stopwatch.GetTimestamp();
                var at = line.IndexOf("\"sent\":", StringComparison.Ordinal);
                if (at >= 0 && long.TryParse(line.AsSpan(at + 7, line.IndexOf('}', at) - at - 7), CultureInfo.InvariantCulture, out var sent))
                {
                    latencies.Add((now - sent) * 1000.0 / Stopwatch.Frequency);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return latencies;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string type, CancellationToken cancellationToken)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return http.PostAsync("/api/feeds/pushed/items", content, cancellationToken);
    }
}
