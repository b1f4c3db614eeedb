using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Hubs;
using Tributary.Streaming.Records;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

/// <summary>A stream ends by the same rules, with the same last record, whichever entry point opened it.</summary>
public sealed class StreamEndingTests
{
    [Fact]
    public async Task The_maximum_stream_duration_ends_live_exports_and_hub_streams_with_an_end_record()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamDuration", "00:00:00.300")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        await using var connection = FeedHubConnection.Build(new Uri(app.BaseAddress, FeedHub.Path));
        await connection.StartAsync(token);

        using var export = await client.OpenStreamAsync("/api/export/idle.ndjson?live=true", token);
        var exported = await (await export.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);
        var streamed = await connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, token).ToListAsync();

        Assert.Equal("end", exported[^1].GetProperty("type").GetString());
        Assert.Contains("maximum duration", streamed[^1].Data.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("end", streamed[^1].Data.GetProperty("type").GetString());
        await app.Services.GetRequiredService<StreamStats>().ActiveProducers.WaitForAsync(0, token);
    }

    [Fact]
    public async Task Server_shutdown_ends_a_live_export_with_a_shutdown_record()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var export = await client.OpenStreamAsync("/api/export/idle.ndjson?live=true", token);
        var reader = await export.BodyReaderAsync(token);
        await reader.ReadLineOrThrowAsync(token);

        var stopping = app.StopAsync();
        var rest = await reader.ReadNdjsonToEndAsync(token);
        await stopping.DefaultTimeout();

        Assert.Equal("shutdown", rest[^1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_history_export_is_a_stream_under_the_per_client_limit()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerClient", "1")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var open = await client.OpenStreamAsync("/api/stream?feeds=idle", token);

        using var history = await client.GetAsync(new Uri("/api/export/ticker.ndjson", UriKind.Relative), token);

        Assert.Equal(HttpStatusCode.TooManyRequests, history.StatusCode);
        Assert.NotNull(history.Headers.RetryAfter);
    }
}
