using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

public sealed class StreamLifecycleTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    [Fact]
    public async Task A_client_disconnect_stops_every_producer_of_its_stream()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        var response = await client.OpenStreamAsync("/api/stream?feeds=fast,idle,news", token);
        var reader = await response.BodyReaderAsync(token);
        await reader.ReadLineOrThrowAsync(token);
        await fixture.Stats.ActiveProducers.WaitForAsync(3, TestTimeouts.TestToken());

        // Act: the client goes away mid-stream
        reader.Dispose();
        response.Dispose();

        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
        await fixture.Stats.ActiveStreams.WaitForAsync(0, TestTimeouts.TestToken());
        Assert.Equal(0, fixture.Stats.ActiveProducers.Current);
    }

    [Fact]
    public async Task A_failing_feed_ends_the_stream_with_an_error_record_and_stops_the_other_feeds()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=broken,idle", token);
        using var reader = await response.BodyReaderAsync(token);
        var records = await reader.ReadNdjsonToEndAsync(token);

        var error = records[^1];
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("broken", error.GetProperty("feed").GetString());
        Assert.Equal("Feed 'broken' failed, so the stream was ended.", error.GetProperty("message").GetString());
        Assert.Equal([1L, 2, 3], records.Where(r => r.TryGetProperty("feed", out var f) && f.GetString() == "broken" && r.TryGetProperty("seq", out _))
            .Select(r => r.GetProperty("seq").GetInt64()));
        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public async Task A_feed_failure_is_logged_once_at_error_level_with_its_exception()
    {
        var token = TestTimeouts.TestToken();
        var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), builder => builder.Logging.AddProvider(logs));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var response = await client.OpenStreamAsync("/api/stream?feeds=broken,idle", token);
        await response.Content.ReadAsStringAsync(token);

        var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        var logged = Assert.Single(errors);
        Assert.Equal(1, logged.Id.Id);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task A_failing_feed_in_sse_ends_with_an_error_event()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=broken&format=sse", token);
        var events = (await response.Content.ReadAsStringAsync(token)).SseEvents();

        Assert.StartsWith("event: error\ndata: {\"type\":\"error\",\"feed\":\"broken\",", events[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_report_active_streams_producers_and_items_sent_per_endpoint()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        using (var done = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=5", token))
        {
            await done.Content.ReadAsStringAsync(token);
        }

        using var open = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        using var reader = await open.BodyReaderAsync(token);
        await reader.ReadLineOrThrowAsync(token);
        var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/stats", UriKind.Relative), token)).RootElement;

        Assert.Equal(1, stats.GetProperty("activeStreams").GetInt64());
        Assert.Equal(1, stats.GetProperty("activeProducers").GetInt64());
        Assert.True(stats.GetProperty("itemsSent").GetInt64() >= 6);
        var endpoint = stats.GetProperty("endpoints").GetProperty("/api/stream");
        Assert.Equal(1, endpoint.GetProperty("activeStreams").GetInt64());
        Assert.True(endpoint.GetProperty("totalStreams").GetInt64() >= 2);
    }

    [Fact]
    public async Task The_feed_catalog_lists_name_kind_description_and_rate()
    {
        using var client = fixture.NewClient();

        var feeds = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/feeds", UriKind.Relative), TestTimeouts.TestToken())).RootElement;

        var news = feeds.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "news");
        Assert.Equal("news", news.GetProperty("kind").GetString());
        Assert.False(string.IsNullOrWhiteSpace(news.GetProperty("description").GetString()));
        Assert.Equal(0.5, news.GetProperty("rate").GetDouble());
        Assert.Equal(
            ["news", "weather", "ticker", "system", "counter", "events", "fast", "idle", "broken"],
            feeds.EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Server_shutdown_ends_open_streams_with_a_shutdown_record()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        using var reader = await response.BodyReaderAsync(token);
        await reader.ReadLineOrThrowAsync(token);

        var stopping = app.StopAsync();
        var rest = await reader.ReadNdjsonToEndAsync(token);
        await stopping.DefaultTimeout();

        var last = Assert.Single(rest);
        Assert.Equal("shutdown", last.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_client_over_its_stream_limit_gets_429_with_Retry_After()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerClient", "1"), ("Streaming:RetryAfterSeconds", "7")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var first = await client.OpenStreamAsync("/api/stream?feeds=idle", token);

        using var second = await client.GetAsync(new Uri("/api/stream?feeds=idle", UriKind.Relative), token);
        var problem = JsonDocument.Parse(await second.Content.ReadAsStringAsync(token)).RootElement;

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), second.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", second.Content.Headers.MediaType());
        Assert.StartsWith("This client already has 1 open streams", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_past_its_maximum_duration_ends_with_an_end_record()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamDuration", "00:00:00.300")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        using var reader = await response.BodyReaderAsync(token);
        var records = await reader.ReadNdjsonToEndAsync(token);

        Assert.Equal("end", records[^1].GetProperty("type").GetString());
        Assert.Equal(0, app.Services.GetRequiredService<StreamStats>().ActiveProducers.Current);
    }
}
