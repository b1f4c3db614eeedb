using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Operations;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Operations;

public sealed class HealthTests
{
    [Fact]
    public async Task Probes_answer_in_plain_text_without_a_credential_when_keys_are_required()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await SecuredApp.StartAsync();
        using var anonymous = app.Client();

        foreach (var probe in new[] { "/health/live", "/health/ready" })
        {
            using var response = await anonymous.GetAsync(new Uri(probe, UriKind.Relative), token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(token));
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }

        using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri("/health/ready", UriKind.Relative)), token);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task The_json_detail_needs_the_stats_permission()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await SecuredApp.StartAsync();

        using var anonymous = await app.Client().GetAsync(new Uri("/api/health", UriKind.Relative), token);
        using var withoutStats = await app.Client(app.NewsKey).GetAsync(new Uri("/api/health", UriKind.Relative), token);
        var detail = await app.Client(app.AllKey).GetFromJsonAsync<JsonElement>("/api/health", token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withoutStats.StatusCode);
        Assert.Equal("Healthy", detail.GetProperty("status").GetString());
        Assert.Equal(["catalog", "feed-engine", "upstreams"], detail.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());
        Assert.Equal("memory", detail.GetProperty("checks").GetProperty("feed-engine").GetProperty("data").GetProperty("engine").GetString());
    }

    [Fact]
    public async Task An_upstream_that_is_down_makes_the_instance_degraded_but_still_ready()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(
            ("Feeds:104:Name", "down"),
            ("Feeds:104:Kind", "ndjson"),
            ("Feeds:104:Url", "http://127.0.0.1:1/feed"),
            ("Feeds:104:ReconnectMinDelay", "00:00:00.010"),
            ("Feeds:104:ReconnectMaxDelay", "00:00:00.020")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var stats = app.Services.GetRequiredService<StreamStats>();

        using var stream = await client.OpenStreamAsync("/api/stream?feeds=down", token);
        var reader = await stream.BodyReaderAsync(token);
        while (stats.SharedFeed("down").Reconnects == 0)
        {
            await reader.ReadLineOrThrowAsync(token);
        }

        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), token);
        var detail = await client.GetFromJsonAsync<JsonElement>("/api/health", token);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync(token));
        var upstreams = detail.GetProperty("checks").GetProperty("upstreams");
        Assert.Equal("Degraded", upstreams.GetProperty("status").GetString());
        Assert.True(upstreams.GetProperty("data").TryGetProperty("down", out _));
    }

    [Fact]
    public async Task With_the_postgres_engine_ready_follows_whether_the_database_answers()
    {
        var token = TestTimeouts.TestToken();
        await using var database = await ThrowawayPostgres.StartAsync();
        await using var app = await LoopbackApp.StartAsync(new Dictionary<string, string?>
        {
            ["Sharing:Engine"] = "Postgres",
            ["Sharing:Postgres:Schema"] = PostgresFixture.NewSchema(),
            ["ConnectionStrings:Tributary"] = database.ConnectionString + ";Password=not-in-any-answer",
        });
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using (var up = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), token))
        {
            Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        }

        await database.StopServerAsync();
        using var down = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), token);
        var detail = await client.GetAsync(new Uri("/api/health", UriKind.Relative), token);
        var text = await detail.Content.ReadAsStringAsync(token);
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative), token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync(token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, detail.StatusCode);
        Assert.Contains("does not answer", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not-in-any-answer", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task A_catalog_edit_that_no_longer_validates_is_reported_as_degraded()
    {
        var running = new FeedCatalogOptions { Feeds = [new FeedDefinition { Name = "news", Kind = FeedKind.News, Rate = 1 }] };
        var edited = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feeds:0:Name"] = "news",
            ["Feeds:0:Kind"] = "no-such-kind",
        }).Build();
        var unchanged = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feeds:0:Name"] = "news",
            ["Feeds:0:Kind"] = "news",
            ["Feeds:0:Rate"] = "1",
        }).Build();

        var degraded = await new CatalogHealthCheck(Options.Create(running), edited).CheckHealthAsync(new HealthCheckContext());
        var healthy = await new CatalogHealthCheck(Options.Create(running), unchanged).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("no-such-kind", degraded.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
    }

    [Fact]
    public async Task A_catalog_value_of_the_wrong_type_is_named_not_silently_dropped()
    {
        var running = new FeedCatalogOptions { Feeds = [new FeedDefinition { Name = "news", Kind = FeedKind.News, Rate = 1 }] };
        var edited = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feeds:0:Name"] = "news",
            ["Feeds:0:Kind"] = "news",
            ["Feeds:0:Rate"] = "1",
            ["Feeds:1:Name"] = "weather",
            ["Feeds:1:Kind"] = "weather",
            ["Feeds:1:Rate"] = "abc",
        }).Build();

        var result = await new CatalogHealthCheck(Options.Create(running), edited).CheckHealthAsync(new HealthCheckContext());
        var startUp = new FeedCatalogValidator().Validate(null, FeedCatalogOptions.Read(edited));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("Feeds[1]", result.Description, StringComparison.Ordinal);
        Assert.Contains("Feeds:1:Rate", result.Description, StringComparison.Ordinal);
        Assert.True(startUp.Failed);
    }
}
