using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using StackExchange.Redis;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Upstream.Brokers;

/// <summary>
/// The three message-system kinds in the app with the memory engine, each against its real server with credentials:
/// items reach readers, state shows in <c>/api/stats</c> and the health check, and no credential shows anywhere.
/// </summary>
public sealed class BrokerFeedAppTests : IAsyncLifetime
{
    private const string Secret = "pa55-never-shown";
    private ThrowawayBroker _nats = null!;
    private ThrowawayBroker _mosquitto = null!;
    private ThrowawayBroker _redis = null!;
    private LoopbackApp _app = null!;

    public async Task InitializeAsync()
    {
        _nats = await ThrowawayBroker.NatsAsync("feeds", Secret);
        _mosquitto = await ThrowawayBroker.MosquittoAsync("feeds", Secret);
        _redis = await ThrowawayBroker.RedisAsync(Secret);
        _app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(
            ("Feeds:110:Name", "orders"), ("Feeds:110:Kind", "nats"), ("Feeds:110:Url", _nats.Url), ("Feeds:110:Subject", "orders.>"),
            ("Feeds:110:Stream", "ORDERS"), ("Feeds:110:Start", "All"), ("Feeds:110:Username", "feeds"), ("Feeds:110:Password", Secret),
            ("Feeds:110:Linger", "00:00:00"),
            ("Feeds:111:Name", "sensors"), ("Feeds:111:Kind", "mqtt"), ("Feeds:111:Url", _mosquitto.Url), ("Feeds:111:Topic", "sensors/#"),
            ("Feeds:111:Username", "feeds"), ("Feeds:111:Password", Secret),
            ("Feeds:112:Name", "activity"), ("Feeds:112:Kind", "redis"), ("Feeds:112:Url", $"redis://:{Secret}@127.0.0.1:{_redis.Port}"),
            ("Feeds:112:Stream", "activity"), ("Feeds:112:ReconnectMinDelay", "00:00:00.050")));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
        await _mosquitto.DisposeAsync();
        await _nats.DisposeAsync();
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Every_kind_delivers_its_messages_to_stream_readers_and_shows_connected_without_credentials()
    {
        var token = TestTimeouts.TestToken();
        using var client = new HttpClient { BaseAddress = _app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url, AuthOpts = NatsAuthOpts.Default with { Username = "feeds", Password = Secret } });
        await new NatsJSContext(nats).CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]), token);
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _mosquitto.Port).WithCredentials("feeds", Secret).Build(), token);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", _redis.Port } }, Password = Secret });

        using var stream = await client.OpenStreamAsync("/api/stream?feeds=orders,sensors,activity", token);
        var reader = await stream.BodyReaderAsync(token);
        var statuses = new List<string>();
        while (statuses.Count < 3)
        {
            var record = JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement;
            statuses.Add(record.GetProperty("data").GetProperty("message").GetString()!);
        }

        await new NatsJSContext(nats).PublishAsync("orders.eu", Encoding.UTF8.GetBytes("""{"order":1}"""), cancellationToken: token);
        await mqtt.PublishStringAsync("sensors/a", """{"temp":20}""", cancellationToken: token);
        await redis.GetDatabase().StreamAddAsync("activity", "data", """{"login":"ada"}""");
        var data = new Dictionary<string, string>();
        while (data.Count < 3)
        {
            var record = JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement;
            data[record.GetProperty("feed").GetString()!] = record.GetProperty("data").GetRawText();
        }

        Assert.Equal("""{"order":1}""", data["orders"]);
        Assert.Equal("""{"temp":20}""", data["sensors"]);
        Assert.Equal("""{"login":"ada"}""", data["activity"]);
        Assert.Contains($"connected to nats://127.0.0.1:{_nats.Port} (stream ORDERS, subject orders.>)", statuses);
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats", token);
        Assert.All(["orders", "sensors", "activity"], feed => Assert.Equal("connected", stats.GetProperty("feeds").GetProperty(feed).GetProperty("state").GetString()));
        foreach (var page in new[] { "/api/stats", "/api/feeds", "/api/health" })
        {
            Assert.DoesNotContain(Secret, await client.GetStringAsync(new Uri(page, UriKind.Relative), token), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(statuses, s => s.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_server_that_goes_down_degrades_the_health_check_naming_the_feed()
    {
        var token = TestTimeouts.TestToken();
        using var client = new HttpClient { BaseAddress = _app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var stream = await client.OpenStreamAsync("/api/stream?feeds=activity", token);
        var reader = await stream.BodyReaderAsync(token);
        await reader.ReadLineOrThrowAsync(token);

        await _redis.KillAsync();
        await TestTimeouts.WaitUntilAsync(async () => (await client.GetStringAsync(new Uri("/health/ready", UriKind.Relative), token)).StartsWith("Degraded", StringComparison.Ordinal));
        var detail = await client.GetStringAsync(new Uri("/api/health", UriKind.Relative), token);

        Assert.Contains("activity", detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_JetStream_feed_whose_run_stopped_resumes_after_its_last_item_not_from_Start()
    {
        var token = TestTimeouts.TestToken();
        using var client = new HttpClient { BaseAddress = _app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url, AuthOpts = NatsAuthOpts.Default with { Username = "feeds", Password = Secret } });
        var js = new NatsJSContext(nats);
        await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]), token);
        await js.PublishAsync("orders.1", Encoding.UTF8.GetBytes("""{"n":1}"""), cancellationToken: token);
        using (var first = await client.OpenStreamAsync("/api/stream?feeds=orders&limit=2", token))
        {
            await first.Content.ReadAsStringAsync(token);
        }

        // The last reader left (Linger 0): the run stops. The next run must not read the stream from All again.
        await TestTimeouts.WaitUntilAsync(async () => !(await client.GetFromJsonAsync<JsonElement>("/api/stats", token)).GetProperty("feeds").GetProperty("orders").GetProperty("producer").GetBoolean());
        await js.PublishAsync("orders.2", Encoding.UTF8.GetBytes("""{"n":2}"""), cancellationToken: token);
        using var second = await client.OpenStreamAsync("/api/stream?feeds=orders", token);
        var reader = await second.BodyReaderAsync(token);
        JsonElement record;
        do
        {
            record = JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement;
        }
        while (record.GetProperty("data").TryGetProperty("status", out _));

        Assert.Equal(2, record.GetProperty("data").GetProperty("n").GetInt32());
    }
}
