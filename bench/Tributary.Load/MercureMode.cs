using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.Load;

/// <summary>
/// The Mercure hub, on each engine: accepted updates per second (16 concurrent publishers posting forms, one HTTP
/// connection each), and publish→deliver latency to 100 subscribers (server-sent events, topic=*) while one publisher
/// sends 200 updates a second. Each engine gets a fresh Release instance; the PostgreSQL one uses the given database.
/// </summary>
internal static class MercureMode
{
    private const int Publishers = 16;
    private const int Subscribers = 100;
    private const int LatencyRate = 200;
    private const string Key = "load-publisher-secret-of-32-bytes-or-more";

    public static async Task<List<LoadResult>> RunAsync(string binary, string connectionString, TimeSpan hold, CancellationToken cancellationToken)
    {
        string[] common =
        [
            "--Logging:LogLevel:Default=Warning", "--Streaming:MaxStreamsPerClient=1000", "--Publishing:ItemsPerSecond=100000000",
            $"--Mercure:PublisherJwtKey={Key}", "--Mercure:Anonymous=true",
        ];
        var results = new List<LoadResult>();
        using (var memory = new EngineInstance(binary, 5094, common))
        {
            await memory.StartAsync(cancellationToken);
            results.AddRange(await MeasureAsync("memory", memory.Url, hold, cancellationToken));
        }

        using (var postgres = new EngineInstance(binary, 5095, [.. common, "--Sharing:Engine=Postgres", $"--ConnectionStrings:Tributary={connectionString}"]))
        {
            await postgres.StartAsync(cancellationToken);
            results.AddRange(await MeasureAsync("postgres", postgres.Url, hold, cancellationToken));
        }

        return results;
    }

    private static async Task<List<LoadResult>> MeasureAsync(string engine, Uri url, TimeSpan hold, CancellationToken cancellationToken)
    {
        var rate = await RateAsync(url, hold, cancellationToken);
        var (p50, p99, delivered) = await LatencyAsync(url, hold, cancellationToken);
        return
        [
            new($"mercure ({engine})", $"one update per request, {Publishers} publishers: accepted updates/s", rate.ToString("N0", CultureInfo.InvariantCulture), "–", null),
            new($"mercure ({engine})", $"{LatencyRate} updates/s to {Subscribers} subscribers: publish→deliver p50 / p99 (updates seen by every subscriber)", $"{p50:F2} / {p99:F2} ms ({delivered})", "–", null),
        ];
    }

    private static async Task<double> RateAsync(Uri url, TimeSpan hold, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(hold);
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async _ =>
        {
            using var http = Publisher(url);
            long accepted = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var response = await PostAsync(http, "{\"order\":17,\"status\":\"created\"}", stop.Token);
                    response.EnsureSuccessStatusCode();
                    accepted++;
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
        var subscribers = Enumerable.Range(0, Subscribers).Select(_ => SubscribeAsync(url, stop.Token)).ToList();
        // Every subscriber has its response before the first measured publish.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        using var http = Publisher(url);
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

            using var response = await PostAsync(http, $"{{\"sent\":{Stopwatch.GetTimestamp()}}}", cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await stop.CancelAsync();
        var seen = await Task.WhenAll(subscribers);
        var latencies = seen.SelectMany(s => s).Order().ToList();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Count - 1, q * latencies.Count)];
        var complete = seen.Count(s => s.Count == count);
        return (P(0.50), P(0.99), $"{complete} of {Subscribers} subscribers got all {count}");
    }

    private static async Task<List<double>> SubscribeAsync(Uri url, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        var latencies = new List<double>();
        try
        {
            using var response = await http.GetAsync("/.well-known/mercure?topic=*", HttpCompletionOption.ResponseHeadersRead, stop);
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

    private static HttpClient Publisher(Uri url)
    {
        var http = new HttpClient { BaseAddress = url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        return http;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string data, CancellationToken cancellationToken) =>
        http.PostAsync("/.well-known/mercure", new FormUrlEncodedContent([new("topic", "https://shop.example/orders/17"), new("data", data)]), cancellationToken);

    // An HS256 token whose mercure claim may publish anywhere, as a backend mints one.
    private static string Token()
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var unsigned = Part("""{"alg":"HS256","typ":"JWT"}""") + "." + Part("""{"mercure":{"publish":["*"]}}""");
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(unsigned));
        return unsigned + "." + Convert.ToBase64String(signature).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
