using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Operations;

public sealed class MeterTests
{
    private static Dictionary<string, string?> Settings() => StreamApiFixture.TestSettings(
        ("Feeds:103:Name", "ticks"),
        ("Feeds:103:Kind", "counter"),
        ("Feeds:103:Rate", "200"),
        ("Feeds:103:Shared", "true"),
        ("Feeds:103:Linger", "00:00:00"),
        ("Feeds:104:Name", "down"),
        ("Feeds:104:Kind", "ndjson"),
        ("Feeds:104:Url", "http://127.0.0.1:1/feed"),
        ("Feeds:104:ReconnectMinDelay", "00:00:00.010"),
        ("Feeds:104:ReconnectMaxDelay", "00:00:00.020"),
        ("Feeds:104:Linger", "00:00:00"),
        ("Logging:LogLevel:Tributary.App.Feeds.Upstream", "Debug"));

    // Each reconnect logs one failed attempt (301, then 302 for later ones) after counting it. The stream's status
    // records cannot be the signal: repeated reconnecting records are coalesced (one per 10 s).
    private static bool ReconnectLogged(EventId id) => id.Id is 301 or 302;

    [Fact]
    public async Task The_meter_publishes_the_same_numbers_as_api_stats()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(Settings());
        using var meter = new MeterReader(app.Services);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using (var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=25", token))
        {
            Assert.Equal(25, (await (await response.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token)).Count);
        }

        await app.Services.GetRequiredService<StreamStats>().ActiveStreams.WaitForAsync(0, token);
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats", token);
        var observed = meter.Observe();

        var stream = stats.GetProperty("endpoints").GetProperty("/api/stream");
        Assert.Equal(25, stream.GetProperty("itemsSent").GetInt64());
        Assert.Equal(25, observed[("tributary.items.delivered", "endpoint=/api/stream")]);
        Assert.True(stream.GetProperty("bytesWritten").GetInt64() > 25 * 10);
        Assert.Equal(stream.GetProperty("bytesWritten").GetInt64(), observed[("tributary.written", "endpoint=/api/stream")]);
        Assert.Equal(0, observed[("tributary.streams.active", "endpoint=/api/stream")]);
        Assert.Equal(stats.GetProperty("activeProducers").GetInt64(), observed[("tributary.producers.active", "")]);
        Assert.Equal(stats.GetProperty("sharedProducers").GetInt64(), observed[("tributary.shared_feeds.active", "")]);
        Assert.Equal(stats.GetProperty("activeCircuits").GetInt64(), observed[("tributary.circuits.active", "")]);
    }

    [Fact]
    public async Task A_stream_records_its_time_to_first_item_and_its_teardown_after_the_client_leaves()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(Settings());
        var stats = app.Services.GetRequiredService<StreamStats>();
        using var meter = new MeterReader(app.Services);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        var response = await client.OpenStreamAsync("/api/stream?feeds=fast,idle", token);
        await (await response.BodyReaderAsync(token)).ReadLineOrThrowAsync(token);
        Assert.Single(meter.Recorded, m => m.Instrument == "tributary.stream.time_to_first_item" && m.Tags == "endpoint=/api/stream");
        Assert.DoesNotContain(meter.Recorded, m => m.Instrument == "tributary.stream.teardown");

        response.Dispose();
        await stats.ActiveStreams.WaitForAsync(0, token);

        var teardown = Assert.Single(meter.Recorded, m => m.Instrument == "tributary.stream.teardown");
        Assert.Equal("endpoint=/api/stream", teardown.Tags);
        Assert.InRange(teardown.Value, 0, 30);
        Assert.Equal(0, stats.ActiveProducers.Current);
    }

    [Fact]
    public async Task Reset_records_and_upstream_reconnects_are_counted_in_stats_and_the_meter()
    {
        var token = TestTimeouts.TestToken();
        var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(Settings(), builder => builder.Logging.AddProvider(logs));
        var stats = app.Services.GetRequiredService<StreamStats>();
        using var meter = new MeterReader(app.Services);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        // A position from another epoch cannot be replayed: the stream starts with a reset record.
        using (var response = await client.OpenStreamAsync("/api/stream?feeds=ticks&limit=2&since=ticks:5@aaaaaaaaaaaa", token))
        {
            var records = await (await response.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);
            Assert.Equal("reset", records[0].GetProperty("type").GetString());
        }

        // An upstream nobody listens on: every attempt fails and another is scheduled.
        var down = await client.OpenStreamAsync("/api/stream?feeds=down", token);
        await logs.WaitForAsync(ReconnectLogged, 2, token);
        down.Dispose();
        await stats.ActiveStreams.WaitForAsync(0, token);
        // No linger: the upstream loop has stopped, so its count holds still between the two reads below.
        await stats.SharedProducers.WaitForAsync(0, token);
        var snapshot = stats.Snapshot();
        var observed = meter.Observe();
        Assert.Equal(1, snapshot.Endpoints["/api/stream"].Resets);
        Assert.Equal(1, observed[("tributary.resets.delivered", "endpoint=/api/stream")]);
        Assert.Equal(0, observed[("tributary.gaps.delivered", "endpoint=/api/stream")]);
        Assert.True(snapshot.Feeds["down"].Reconnects >= 2);
        Assert.Equal(snapshot.Feeds["down"].Reconnects, observed[("tributary.upstream.reconnects", "feed=down")]);
    }
}
