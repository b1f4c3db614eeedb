using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Endpoints;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

public sealed class LiveExportTests
{
    [Fact]
    public async Task A_live_export_is_counted_as_a_stream_and_held_to_the_per_client_limit()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerClient", "1")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var stats = app.Services.GetRequiredService<StreamStats>();

        // Act 1: one live export, open
        using (var export = await client.OpenStreamAsync("/api/export/idle.ndjson?live=true", token))
        {
            await (await export.BodyReaderAsync(token)).ReadLineOrThrowAsync(token);
            var counted = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/stats", UriKind.Relative), token)).RootElement;

            // Act 2: the same client asks for another stream
            using var refused = await client.GetAsync(new Uri("/api/stream?feeds=idle", UriKind.Relative), token);

            Assert.Equal(1, counted.GetProperty("endpoints").GetProperty(ExportApi.LiveEndpoint).GetProperty("activeStreams").GetInt64());
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.MediaType());
        }

        await stats.ActiveStreams.WaitForAsync(0, TestTimeouts.TestToken());
        await stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public async Task A_live_export_whose_feed_fails_ends_with_an_error_record_after_the_items_before_it()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

        using var response = await client.GetAsync(new Uri("/api/export/broken.ndjson?live=true", UriKind.Relative), token);
        var lines = (await response.Content.ReadAsStringAsync(token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, lines.Length);
        var error = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(("error", "broken"), (error.GetProperty("type").GetString(), error.GetProperty("feed").GetString()));
    }
}
