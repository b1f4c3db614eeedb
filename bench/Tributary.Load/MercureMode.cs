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
        HttpClient Connect() => Publisher(url);
        var rate = await PublishLoad.RateAsync(Connect, (http, token) => PostAsync(http, "{\"order\":17,\"status\":\"created\"}", token), Publishers, 1, hold, cancellationToken);
        var (p50, p99, delivered) = await PublishLoad.LatencyAsync(
            url, "/.well-known/mercure?topic=*", Subscribers, Connect, (http, sent, token) => PostAsync(http, $"{{\"sent\":{sent}}}", token), LatencyRate, hold, cancellationToken);
        return
        [
            new($"mercure ({engine})", $"one update per request, {Publishers} publishers: accepted updates/s", rate.ToString("N0", CultureInfo.InvariantCulture), "–", null),
            new($"mercure ({engine})", $"{LatencyRate} updates/s to {Subscribers} subscribers: publish→deliver p50 / p99 (subscribers that got every update)", $"{p50:F2} / {p99:F2} ms ({delivered})", "–", null),
        ];
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
