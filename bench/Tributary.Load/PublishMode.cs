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
        const string One = """{"data":{"order":17,"status":"created"}}""";
        var hundred = string.Concat(Enumerable.Repeat(One + "\n", 100));
        HttpClient Connect() => new() { BaseAddress = url };
        var single = await PublishLoad.RateAsync(Connect, (http, token) => PostAsync(http, One, "application/json", token), Publishers, 1, hold, cancellationToken);
        var batched = await PublishLoad.RateAsync(Connect, (http, token) => PostAsync(http, hundred, "application/x-ndjson", token), Publishers, 100, hold, cancellationToken);
        var (p50, p99, delivered) = await PublishLoad.LatencyAsync(
            url, "/api/stream?feeds=pushed", Readers, Connect, (http, sent, token) => PostAsync(http, $$$"""{"data":{"sent":{{{sent}}}}}""", "application/json", token), LatencyRate, hold, cancellationToken);
        return
        [
            new($"publish ({engine})", $"one item per request, {Publishers} publishers: accepted publishes/s", single.ToString("N0", CultureInfo.InvariantCulture), "–", null),
            new($"publish ({engine})", $"100 items per request, {Publishers} publishers: accepted items/s", batched.ToString("N0", CultureInfo.InvariantCulture), "–", null),
            new($"publish ({engine})", $"{LatencyRate} items/s to {Readers} readers: publish→deliver p50 / p99 (readers that got every item)", $"{p50:F2} / {p99:F2} ms ({delivered})", "–", null),
        ];
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string type, CancellationToken cancellationToken)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return http.PostAsync("/api/feeds/pushed/items", content, cancellationToken);
    }
}
