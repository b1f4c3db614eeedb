using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Upstream;

/// <summary>Upstream kinds against real local peers: a loopback WebSocket/HTTP server and temp files.</summary>
public sealed class UpstreamFeedTests : IAsyncLifetime
{
    private readonly StreamStats _stats = new();
    private LoopbackPeer _peer = null!;

    public async Task InitializeAsync() => _peer = await LoopbackPeer.StartAsync();

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task WebSocket_text_messages_become_items_parsed_as_JSON_when_they_are_JSON()
    {
        _peer.WebSocketScript = async (_, socket, token) =>
        {
            await LoopbackPeer.SendTextAsync(socket, """{"temp":21.5}""", token);
            await LoopbackPeer.SendTextAsync(socket, "plain words", token);
            await LoopbackPeer.WaitForCloseAsync(socket, token);
        };

        var items = await Feed(FeedKind.WebSocket, url: _peer.WebSocketUrl.ToString()).TakeAsync(3);

        Assert.Equal("connected", Assert.IsType<UpstreamStatus>(items[0]).Status);
        Assert.Equal(21.5, Assert.IsType<JsonElement>(items[1]).GetProperty("temp").GetDouble());
        Assert.Equal("plain words", items[2]);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task WebSocket_reconnects_with_status_items_after_the_peer_drops()
    {
        _peer.WebSocketScript = async (n, socket, token) =>
        {
            await LoopbackPeer.SendTextAsync(socket, $"session {n}", token);
            if (n == 1)
            {
                // The peer goes away: a close frame, then the connection ends. (An abort could reset the
                // connection before the client has even read the handshake.)
                await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "going away", token);
                return;
            }

            await LoopbackPeer.WaitForCloseAsync(socket, token);
        };

        var items = await Feed(FeedKind.WebSocket, url: _peer.WebSocketUrl.ToString()).TakeAsync(6);

        Assert.Equal(["connected", "session 1", "disconnected", "reconnecting", "connected", "session 2"], items.Select(Describe));
        Assert.Equal(2, _peer.Connections);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_a_websocket_feed_closes_its_connection()
    {
        _peer.WebSocketScript = async (_, socket, token) =>
        {
            await LoopbackPeer.SendTextAsync(socket, "hello", token);
            await LoopbackPeer.WaitForCloseAsync(socket, token);
        };

        await Feed(FeedKind.WebSocket, url: _peer.WebSocketUrl.ToString()).TakeAsync(2);

        await _peer.Open.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Sse_events_are_parsed_with_multi_line_data_ids_and_comments_ignored_and_retry_honoured_within_the_reconnect_delays()
    {
        _peer.HttpScript = async (n, response, token) =>
        {
            var body = n == 1
                ? ": a comment\nretry: 40\nevent: reading\nid: 7\ndata: {\"v\":\ndata: 1}\n\ndata: line one\ndata: line two\n\n"
                : "id: 8\ndata: again\n\n";
            await response.WriteAsync(body, token);
            await response.Body.FlushAsync(token);
            if (n > 1)
            {
                await Task.Delay(Timeout.Infinite, token);
            }
        };

        var items = await Feed(FeedKind.Sse, url: _peer.HttpUrl.ToString()).TakeAsync(7);

        var first = Assert.IsType<SseEvent>(items[1]);
        Assert.Equal(("reading", "7", 1), (first.Event, first.Id, ((JsonElement)first.Data).GetProperty("v").GetInt32()));
        Assert.Equal("line one\nline two", Assert.IsType<SseEvent>(items[2]).Data);
        Assert.Equal(40, Assert.IsType<UpstreamStatus>(items[4]).DelayMs);
        Assert.Equal("again", Assert.IsType<SseEvent>(items[6]).Data);
        Assert.Equal([null, "7"], _peer.LastEventIds.Take(2));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Ndjson_lines_become_items_and_a_malformed_line_is_reported_without_ending_the_stream()
    {
        _peer.HttpScript = async (_, response, token) =>
        {
            await response.WriteAsync("{\"n\":1}\nnot json at all\n\n{\"n\":2}\n", token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(FeedKind.Ndjson, url: _peer.HttpUrl.ToString()).TakeAsync(4);

        Assert.Equal(1, ((JsonElement)items[1]).GetProperty("n").GetInt32());
        var malformed = Assert.IsType<UpstreamStatus>(items[2]);
        Assert.Equal("malformed", malformed.Status);
        Assert.Contains("line 2 is not JSON", malformed.Message, StringComparison.Ordinal);
        Assert.Equal(2, ((JsonElement)items[3]).GetProperty("n").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_file_is_followed_across_appends_truncation_and_rotation()
    {
        var directory = Directory.CreateTempSubdirectory("tributary-tail-");
        var path = Path.Combine(directory.FullName, "app.log");
        await File.WriteAllTextAsync(path, "old line, not emitted\n");
        var feed = Feed(FeedKind.File, path: path);
        await using var items = feed.GetAsyncEnumerator();

        try
        {
            Assert.Equal("connected", Describe(await NextAsync(items)));

            // Act - 1: append
            await File.AppendAllTextAsync(path, "first\nsecond\n");
            Assert.Equal("first", await NextAsync(items));
            Assert.Equal("second", await NextAsync(items));

            // Act - 2: truncate and write again
            await File.WriteAllTextAsync(path, "");
            await File.AppendAllTextAsync(path, "after truncation\n");
            Assert.Equal("truncated", Describe(await NextAsync(items)));
            Assert.Equal("after truncation", await NextAsync(items));

            // Act - 3: rotate: move the file away, start a new one
            File.Move(path, path + ".1");
            await File.WriteAllTextAsync(path, "new file\n");
            Assert.Equal("rotated", Describe(await NextAsync(items)));
            Assert.Equal("new file", await NextAsync(items));
        }
        finally
        {
            await items.DisposeAsync();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Backoff_doubles_with_jitter_up_to_its_maximum_and_starts_over_when_reset()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000), new Random(42));

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalMilliseconds).ToList();
        backoff.Reset();
        var afterReset = backoff.Next().TotalMilliseconds;

        Assert.InRange(delays[0], 50, 100);
        Assert.InRange(delays[1], 100, 200);
        Assert.InRange(delays[2], 200, 400);
        Assert.InRange(delays[3], 400, 800);
        Assert.InRange(delays[4], 500, 1000);
        Assert.InRange(delays[5], 500, 1000);
        Assert.InRange(afterReset, 50, 100);
    }

    private IAsyncEnumerable<object> Feed(string kind, string? url = null, string? path = null)
    {
        var feed = new FeedDefinition
        {
            Name = "upstream",
            Kind = kind,
            Url = url,
            Path = path,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
            PollInterval = TimeSpan.FromMilliseconds(20),
        };
        return TestCatalogs.Create(_stats, feed).ReadAsync(feed, CounterOverrides.None, TestTimeouts.TestToken());
    }

    private static async Task<object> NextAsync(IAsyncEnumerator<object> items)
    {
        Assert.True(await items.MoveNextAsync().AsTask().DefaultTimeout());
        return items.Current;
    }

    private static string Describe(object item) => item switch
    {
        UpstreamStatus status => status.Status,
        _ => item.ToString() ?? "",
    };
}
