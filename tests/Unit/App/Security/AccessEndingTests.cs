using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Security;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Security;

/// <summary>A credential that stops working while its streams run ends them, saying why; and it leaves no trace in logs.</summary>
public sealed class AccessEndingTests
{
    [Fact]
    public async Task Revoking_a_key_ends_its_open_http_stream_with_an_error_record_and_stops_its_producers()
    {
        await using var app = await SecuredApp.StartAsync();
        using var client = app.Client(app.NewsKey);
        var token = TestTimeouts.TestToken();
        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        var reader = await response.BodyReaderAsync(token);
        await reader.ReadLineOrThrowAsync(token);

        app.Revoke(keyIndex: 1);
        var records = await reader.ReadNdjsonToEndAsync(token);

        var last = records.Last();
        Assert.Equal("error", last.GetProperty("type").GetString());
        Assert.StartsWith("Access ended", last.GetProperty("message").GetString(), StringComparison.Ordinal);
        await app.App.Services.GetRequiredService<StreamStats>().ActiveProducers.WaitForAsync(0, token);
        using var afterwards = await client.GetAsync("/api/feeds", token);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }

    [Fact]
    public async Task Revoking_a_key_ends_its_hub_stream_with_a_readable_hub_exception()
    {
        await using var app = await SecuredApp.StartAsync();
        await using var connection = app.Hub(app.NewsKey);
        var token = TestTimeouts.TestToken();
        await connection.StartAsync(token);
        await using var stream = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, token).GetAsyncEnumerator(token);
        Assert.True(await stream.MoveNextAsync());

        app.Revoke(keyIndex: 1);
        var ended = await Assert.ThrowsAsync<HubException>(async () => await stream.MoveNextAsync());

        Assert.Contains("HubException: Access ended", ended.Message, StringComparison.Ordinal);
        await app.App.Services.GetRequiredService<StreamStats>().ActiveProducers.WaitForAsync(0, token);
    }

    [Fact]
    public async Task Withdrawing_a_feed_from_a_key_ends_its_open_streams_of_that_feed_on_every_entry_point_and_keeps_the_others()
    {
        // Arrange: the newsroom key watches idle over HTTP, the hub and a live export, and news over HTTP.
        await using var app = await SecuredApp.StartAsync();
        using var client = app.Client(app.NewsKey);
        var token = TestTimeouts.TestToken();
        using var idle = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        var idleReader = await idle.BodyReaderAsync(token);
        await idleReader.ReadLineOrThrowAsync(token);
        using var export = await client.OpenStreamAsync("/api/export/idle.ndjson?live=true", token);
        var exportReader = await export.BodyReaderAsync(token);
        using var news = await client.OpenStreamAsync("/api/stream?feeds=news", token);
        var newsReader = await news.BodyReaderAsync(token);
        await newsReader.ReadLineOrThrowAsync(token);
        await using var connection = app.Hub(app.NewsKey);
        await connection.StartAsync(token);
        await using var hubStream = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, token).GetAsyncEnumerator(token);
        Assert.True(await hubStream.MoveNextAsync());

        // Act: the operator takes idle away from the key.
        app.Configuration["Auth:Keys:1:Feeds:1"] = "news";
        app.Configuration.Reload();

        // Assert: every idle stream ends saying why; the news stream goes on.
        var ended = (await idleReader.ReadNdjsonToEndAsync(token)).Last();
        Assert.Equal("error", ended.GetProperty("type").GetString());
        Assert.Contains("Access ended: this credential may no longer watch feed 'idle'", ended.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("Access ended", (await exportReader.ReadNdjsonToEndAsync(token)).Last().GetProperty("message").GetString(), StringComparison.Ordinal);
        var hubEnded = await Assert.ThrowsAsync<HubException>(async () => await hubStream.MoveNextAsync());
        Assert.Contains("feed 'idle'", hubEnded.Message, StringComparison.Ordinal);
        await newsReader.ReadLineOrThrowAsync(token);
        await app.App.Services.GetRequiredService<StreamStats>().ActiveProducers.WaitForAsync(1, token);
    }

    [Fact]
    public async Task Withdrawing_the_stats_permission_ends_a_stream_of_the_servers_own_metrics()
    {
        await using var app = await SecuredApp.StartAsync();
        using var client = app.Client(app.AllKey);
        var token = TestTimeouts.TestToken();
        using var response = await client.OpenStreamAsync("/api/stream?feeds=system", token);
        var reader = await response.BodyReaderAsync(token);

        app.Configuration["Auth:Keys:0:Stats"] = "false";
        app.Configuration.Reload();

        Assert.Contains("feed 'system'", (await reader.ReadNdjsonToEndAsync(token)).Last().GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expiry_given_to_a_key_while_its_stream_runs_ends_the_stream_then()
    {
        await using var app = await SecuredApp.StartAsync();
        using var client = app.Client(app.NewsKey);
        var token = TestTimeouts.TestToken();
        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        var reader = await response.BodyReaderAsync(token);
        await reader.ReadLineOrThrowAsync(token);

        app.Configuration["Auth:Keys:1:Expires"] = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        app.Configuration.Reload();
        var records = await reader.ReadNdjsonToEndAsync(token);

        Assert.StartsWith("Access ended", records.Last().GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_sessions_hub_streams_by_itself()
    {
        await using var app = await SecuredApp.StartAsync();
        var services = app.App.Services;
        var key = services.GetRequiredService<AccessKeys>().Find(app.NewsKey)!;
        var user = AccessKeys.PrincipalFor(key, "Cookies", new Claim(TributaryClaims.Session, "session-1"));
        await using var connection = app.Hub(services.GetRequiredService<CircuitTickets>().Issue(user));
        var token = TestTimeouts.TestToken();
        await connection.StartAsync(token);
        await using var stream = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, token).GetAsyncEnumerator(token);
        Assert.True(await stream.MoveNextAsync());

        services.GetRequiredService<SignedOutSessions>().Add(user, TimeSpan.FromHours(1));
        var ended = await Assert.ThrowsAsync<HubException>(async () => await stream.MoveNextAsync());

        Assert.Contains("HubException: Access ended", ended.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_edit_of_the_auth_settings_keeps_the_previous_ones()
    {
        await using var app = await SecuredApp.StartAsync();
        using var client = app.Client(app.NewsKey);

        app.Configuration["Auth:Keys:0:Hash"] = "trb_a-plain-key-by-mistake";
        app.Configuration.Reload();
        using var response = await client.GetAsync("/api/feeds", TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_token_that_expires_ends_its_stream_when_it_expires()
    {
        await using var app = await SecuredApp.StartAsync();
        // The handler allows 30 s of clock skew at connect; the stream still ends at the token's own expiry.
        using var client = app.Client(SecuredApp.Token("idle", lifetime: TimeSpan.FromSeconds(2)));
        var token = TestTimeouts.TestToken();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        var records = await (await response.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);

        Assert.Equal("error", records.Last().GetProperty("type").GetString());
        Assert.StartsWith("Access ended", records.Last().GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_and_tokens_never_reach_the_logs_even_at_trace_level()
    {
        var logs = new CollectingLoggerProvider();
        await using var app = await SecuredApp.StartAsync(
            builder => builder.Logging.AddProvider(logs),
            ("Logging:LogLevel:Default", "Trace"),
            ("Logging:LogLevel:Microsoft.AspNetCore", "Trace"),
            ("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Trace"));
        using var client = app.Client();
        var token = TestTimeouts.TestToken();
        var jwt = SecuredApp.Token("idle");
        const string wrongKey = "trb_a-wrong-key-that-must-not-be-logged";

        using (var stream = await client.OpenStreamAsync($"/api/stream?feeds=idle&limit=1&access_token={app.NewsKey}", token))
        {
            await (await stream.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);
        }

        (await client.GetAsync($"/api/feeds?access_token={wrongKey}", token)).Dispose();
        (await client.GetAsync($"/api/feeds?access_token={jwt}", token)).Dispose();
        await using (var connection = app.Hub(app.NewsKey))
        {
            await connection.StartAsync(token);
        }

        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(app.NewsKey, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(wrongKey, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(jwt, StringComparison.Ordinal));
        Assert.Contains(logs.Entries, entry => entry.Id.Id == 601);
    }
}
