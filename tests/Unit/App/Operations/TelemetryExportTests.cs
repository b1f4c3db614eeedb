using Microsoft.AspNetCore.Http;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Hubs;
using Tributary.Streaming.Records;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Operations;

/// <summary>
/// Traces, logs and metrics sent over OTLP to a receiver on a loopback port, when the standard settings name one. An
/// activity source is process-wide, so spans of other tests' apps may arrive too: each test finds its own by a feed
/// only it uses. Stopping the app flushes what it has not sent yet.
/// </summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task A_stream_is_one_span_from_admission_to_its_end_under_its_request()
    {
        var token = TestTimeouts.TestToken();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await StartAsync(receiver, "traced-http", token);

        await ReadStreamAsync(app, "feeds=traced-http&limit=3", token);
        await app.DisposeAsync();

        var spans = receiver.Spans();
        var stream = Assert.Single(spans, s => s.Name == "stream /api/stream" && Equals(s.Attributes["tributary.feeds"], "traced-http"));
        var request = Assert.Single(spans, s => s.SpanId == stream.ParentSpanId);
        Assert.Equal("Tributary", stream.Scope);
        Assert.Equal("/api/stream", stream.Attributes["tributary.endpoint"]);
        Assert.Equal("address:127.0.0.1", stream.Attributes["tributary.client"]);
        Assert.Equal(3L, stream.Attributes["tributary.items"]);
        Assert.True((long)stream.Attributes["tributary.bytes"] > 3 * 20);
        Assert.Equal("completed", stream.Attributes["tributary.end_reason"]);
        Assert.Equal("GET /api/stream", request.Name);
        Assert.Equal(stream.TraceId, request.TraceId);
        Assert.Equal("tributary", stream.Resource["service.name"]);
        Assert.True(stream.Resource.ContainsKey("service.instance.id"));
    }

    [Fact]
    public async Task A_hub_stream_is_a_span_too_ending_when_its_client_cancels()
    {
        var token = TestTimeouts.TestToken();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await StartAsync(receiver, "traced-hub", token);
        await using (var hub = FeedHubConnection.Build(new Uri(app.BaseAddress, FeedHub.Path)))
        {
            await hub.StartAsync(token);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(token);
            await using var items = hub.StreamAsync<FeedItem<object>>("Stream", new[] { "traced-hub" }, cancel.Token).GetAsyncEnumerator(cancel.Token);
            Assert.True(await items.MoveNextAsync());
            await cancel.CancelAsync();
            await app.Services.GetRequiredService<StreamStats>().ActiveStreamsOf(FeedHub.Path).WaitForAsync(0, token);
        }

        await app.DisposeAsync();

        var spans = receiver.Spans();
        var stream = Assert.Single(spans, s => s.Name == "stream /hubs/feeds" && Equals(s.Attributes["tributary.feeds"], "traced-hub"));
        var invocation = Assert.Single(spans, s => s.SpanId == stream.ParentSpanId);
        Assert.Equal("Microsoft.AspNetCore.SignalR.Server", invocation.Scope);
        Assert.Equal("client-left", stream.Attributes["tributary.end_reason"]);
        Assert.True((long)stream.Attributes["tributary.items"] >= 1);
        Assert.Equal(0, stream.StatusCode);
    }

    [Fact]
    public async Task A_streams_closing_log_line_carries_its_event_id_and_the_streams_trace_context()
    {
        var token = TestTimeouts.TestToken();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await StartAsync(receiver, "traced-log", token);
        await ReadStreamAsync(app, "feeds=traced-log&limit=2", token);
        await app.DisposeAsync();

        var stream = Assert.Single(receiver.Spans(), s => s.Name == "stream /api/stream" && Equals(s.Attributes["tributary.feeds"], "traced-log"));
        var closed = Assert.Single(receiver.Logs(), l => l.EventName == "StreamClosed" && l.TraceId == stream.TraceId);
        Assert.Equal(stream.SpanId, closed.SpanId);
        Assert.Equal(702L, closed.Attributes["logrecord.event.id"]);
        Assert.Equal("completed", closed.Attributes["Reason"]);
    }

    [Fact]
    public async Task Each_upstream_attempt_is_a_span_of_its_own_and_no_credential_is_ever_exported()
    {
        var token = TestTimeouts.TestToken();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var secured = await SecuredApp.StartAsync(configure: null,
        [
            .. receiver.Settings,
            ("Feeds:110:Name", "traced-upstream"),
            ("Feeds:110:Kind", "ndjson"),
            // Nothing listens on port 1: every attempt fails at once. Secrets no other test uses, so what is found is ours.
            ("Feeds:110:Url", "http://reader:otlp-password-7f3@127.0.0.1:1/feed?apikey=otlp-apikey-9c1"),
            // Every log line, at every level, to every provider the OTLP one included: still no secret may go out.
            ("Logging:LogLevel:Default", "Trace"),
            ("Logging:OpenTelemetry:LogLevel:Default", "Trace"),
            ("Logging:OpenTelemetry:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Trace"),
            ("Feeds:110:ReconnectMinDelay", "00:00:00.010"),
            ("Feeds:110:ReconnectMaxDelay", "00:00:00.020"),
            ("Feeds:110:Linger", "00:00:00"),
        ]);
        var stats = secured.App.Services.GetRequiredService<StreamStats>();

        // The key goes in the query, as a browser's EventSource must send it.
        using (var client = new HttpClient { BaseAddress = secured.App.BaseAddress })
        using (var response = await client.OpenStreamAsync($"/api/stream?feeds=traced-upstream&access_token={secured.AllKey}", token))
        {
            var reader = await response.BodyReaderAsync(token);
            await reader.ReadLineOrThrowAsync(token);
            await reader.ReadLineOrThrowAsync(token);
        }

        await stats.ActiveStreams.WaitForAsync(0, token);
        await stats.SharedProducers.WaitForAsync(0, token);
        await secured.App.DisposeAsync();

        var spans = receiver.Spans();
        // An attempt the feed's stop cut short ends as stopped, with no error: only the ones that failed are checked.
        var stream = Assert.Single(spans, s => s.Name == "stream /api/stream" && Equals(s.Attributes["tributary.feeds"], "traced-upstream"));
        var attempts = spans.Where(s => s.Name == "upstream ndjson" && Equals(s.Attributes["tributary.feed"], "traced-upstream")).ToList();
        Assert.All(attempts, attempt => Assert.Contains(attempt.Attributes["tributary.upstream.status"], new object[] { "disconnected", "stopped" }));
        var failed = attempts.Where(a => Equals(a.Attributes["tributary.upstream.status"], "disconnected")).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, attempt =>
        {
            // The shared feed's run belongs to no reader: its attempts start traces of their own.
            Assert.Equal("", attempt.ParentSpanId);
            Assert.NotEqual(stream.TraceId, attempt.TraceId);
            Assert.Equal(2, attempt.StatusCode);
            Assert.Equal("could not connect to the upstream", attempt.StatusMessage);
            Assert.Equal("http://127.0.0.1:1/feed", attempt.Attributes["tributary.upstream.address"]);
        });
        Assert.Contains(receiver.Logs(), l => l.EventName == "StreamClosed" && l.TraceId == stream.TraceId);
        var exported = string.Join("\n", receiver.Requests.Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Contains("traced-upstream", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("otlp-password-7f3", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("otlp-apikey-9c1", exported, StringComparison.Ordinal);
        Assert.DoesNotContain(secured.AllKey, exported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_attempt_that_connected_and_ran_until_its_feed_stopped_ends_as_stopped_without_an_error()
    {
        var token = TestTimeouts.TestToken();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var upstream = await LoopbackPeer.StartAsync();
        // One line, then silence until the feed lets go.
        upstream.HttpScript = async (_, response, cancel) =>
        {
            await response.WriteAsync("{\"n\":1}\n", cancel);
            await response.Body.FlushAsync(cancel);
            await Task.Delay(Timeout.Infinite, cancel);
        };
        await using (var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(
        [
            .. receiver.Settings,
            ("Feeds:110:Name", "traced-quiet"),
            ("Feeds:110:Kind", "ndjson"),
            ("Feeds:110:Url", upstream.HttpUrl.ToString()),
            ("Feeds:110:Linger", "00:00:00"),
        ]), cancellationToken: token))
        {
            var stats = app.Services.GetRequiredService<StreamStats>();
            using var client = new HttpClient { BaseAddress = app.BaseAddress };
            using (var response = await client.OpenStreamAsync("/api/stream?feeds=traced-quiet&limit=2", token))
            {
                // The connected status, then the line.
                await response.Content.ReadAsStringAsync(token);
            }

            await stats.SharedProducers.WaitForAsync(0, token);
            await upstream.Open.WaitForAsync(0, token);
        }

        var attempt = Assert.Single(receiver.Spans(), s => s.Name == "upstream ndjson" && Equals(s.Attributes["tributary.feed"], "traced-quiet"));
        Assert.Equal("stopped", attempt.Attributes["tributary.upstream.status"]);
        Assert.Equal(0, attempt.StatusCode);
        Assert.Contains("connected", attempt.Events);
        Assert.Equal(1L, attempt.Attributes["tributary.upstream.attempt"]);
    }

    [Fact]
    public async Task A_traces_only_endpoint_gets_the_traces_and_nothing_else_is_sent()
    {
        var token = TestTimeouts.TestToken();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using (var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(
        [
            // The address of the signal itself, as the specification gives it: used as it is.
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", new Uri(receiver.Endpoint, "v1/traces").ToString()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("Feeds:110:Name", "traced-alone"),
            ("Feeds:110:Kind", "counter"),
            ("Feeds:110:Rate", "0"),
        ]), cancellationToken: token))
        {
            await ReadStreamAsync(app, "feeds=traced-alone&limit=1", token);
            Assert.Null(app.Services.GetService<LoggerProvider>());
        }

        Assert.Single(receiver.Spans(), s => s.Name == "stream /api/stream" && Equals(s.Attributes["tributary.feeds"], "traced-alone"));
        Assert.All(receiver.Requests, r => Assert.Equal("traces", r.Signal));
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_nothing_is_traced_or_exported()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), cancellationToken: token);

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<LoggerProvider>());
    }

    // Reads /api/stream?<query> to its end, and waits until the app has closed the stream (and so ended its span).
    private static async Task ReadStreamAsync(LoopbackApp app, string query, CancellationToken cancellationToken)
    {
        using (var client = new HttpClient { BaseAddress = app.BaseAddress })
        using (var response = await client.OpenStreamAsync("/api/stream?" + query, cancellationToken))
        {
            await response.Content.ReadAsStringAsync(cancellationToken);
        }

        await app.Services.GetRequiredService<StreamStats>().ActiveStreams.WaitForAsync(0, cancellationToken);
    }

    private static Task<LoopbackApp> StartAsync(OtlpReceiver receiver, string feed, CancellationToken cancellationToken) =>
        LoopbackApp.StartAsync(StreamApiFixture.TestSettings(
        [
            .. receiver.Settings,
            ("Feeds:110:Name", feed),
            ("Feeds:110:Kind", "counter"),
            ("Feeds:110:Rate", "0"),
        ]), cancellationToken: cancellationToken);
}
