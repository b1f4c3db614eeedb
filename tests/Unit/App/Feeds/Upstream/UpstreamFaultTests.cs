using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Upstream;

/// <summary>Hostile and broken upstreams, each a real local peer: none of them may cost unbounded memory, storm, leak or hang.</summary>
public sealed class UpstreamFaultTests : IAsyncLifetime
{
    private const int SmallItem = 1000;

    private readonly StreamStats _stats = new();
    private LoopbackPeer _peer = null!;

    public async Task InitializeAsync() => _peer = await LoopbackPeer.StartAsync();

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_ndjson_line_over_MaxItemBytes_is_skipped_and_reported_once_with_its_size_when_it_passed()
    {
        _peer.HttpScript = async (_, response, token) =>
        {
            await WriteInChunksAsync(response, new string('x', 3 * SmallItem), token);
            await response.WriteAsync("\n{\"n\":1}\n", token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(FeedKind.Ndjson, _peer.HttpUrl).TakeAsync(3);

        // Reported as it passed the limit: the size it had then, the line arriving in 256-byte writes.
        var oversize = Assert.IsType<UpstreamStatus>(items[1]);
        Assert.Equal(UpstreamStatus.Oversize, oversize.Status);
        Assert.InRange(oversize.Bytes!.Value, SmallItem + 1, 3 * SmallItem);
        Assert.Equal(1, ((JsonElement)items[2]).GetProperty("n").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_sse_event_whose_data_lines_add_up_to_more_than_MaxItemBytes_is_skipped_and_the_next_event_delivered()
    {
        var line = new string('y', 400);
        _peer.HttpScript = async (_, response, token) =>
        {
            await response.WriteAsync($"data: {line}\ndata: {line}\ndata: {line}\n\ndata: small\n\n", token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(FeedKind.Sse, _peer.HttpUrl).TakeAsync(3);

        var oversize = Assert.IsType<UpstreamStatus>(items[1]);
        Assert.Equal((UpstreamStatus.Oversize, 3 * 400 + 2), (oversize.Status, oversize.Bytes));
        Assert.Equal("small", Assert.IsType<SseEvent>(items[2]).Data);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_sse_line_without_an_end_is_not_held_past_MaxItemBytes()
    {
        _peer.HttpScript = async (_, response, token) =>
        {
            await response.WriteAsync("data: ", token);
            await WriteInChunksAsync(response, new string('z', 5 * SmallItem), token);
            await response.WriteAsync("\n\ndata: after\n\n", token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(FeedKind.Sse, _peer.HttpUrl).TakeAsync(3);

        var oversize = Assert.IsType<UpstreamStatus>(items[1]);
        Assert.Equal(UpstreamStatus.Oversize, oversize.Status);
        Assert.InRange(oversize.Bytes!.Value, SmallItem - "data: ".Length, 5 * SmallItem);
        Assert.Equal("after", Assert.IsType<SseEvent>(items[2]).Data);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_sse_comment_or_id_over_MaxItemBytes_is_ignored_and_spoils_no_event()
    {
        _peer.HttpScript = async (_, response, token) =>
        {
            await response.WriteAsync($":{new string('c', 2 * SmallItem)}\nid: {new string('i', 2 * SmallItem)}\ndata: small\n\n", token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(FeedKind.Sse, _peer.HttpUrl).TakeAsync(2);

        Assert.Equal(new SseEvent("message", null, "small"), items[1]);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_sse_stream_with_carriage_return_line_endings_delivers_its_events()
    {
        _peer.HttpScript = async (_, response, token) =>
        {
            await response.WriteAsync("id: 1\rdata: one\rdata: two\r\r", token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(FeedKind.Sse, _peer.HttpUrl).TakeAsync(2);

        Assert.Equal(new SseEvent("message", "1", "one\ntwo"), items[1]);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_websocket_message_over_MaxItemBytes_is_skipped_and_reported_with_its_size_when_it_passed()
    {
        _peer.WebSocketScript = async (_, socket, token) =>
        {
            var big = Encoding.UTF8.GetBytes(new string('w', 4 * SmallItem));
            await socket.SendAsync(big.AsMemory(0, 2500), WebSocketMessageType.Text, false, token);
            await socket.SendAsync(big.AsMemory(2500), WebSocketMessageType.Text, true, token);
            await LoopbackPeer.SendTextAsync(socket, "fits", token);
            await LoopbackPeer.WaitForCloseAsync(socket, token);
        };

        var items = await Feed(FeedKind.WebSocket, _peer.WebSocketUrl).TakeAsync(3);

        var oversize = Assert.IsType<UpstreamStatus>(items[1]);
        Assert.Equal(UpstreamStatus.Oversize, oversize.Status);
        Assert.InRange(oversize.Bytes!.Value, SmallItem + 1, 4 * SmallItem);
        Assert.Equal("fits", items[2]);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_file_line_over_MaxItemBytes_is_skipped_and_the_next_line_read()
    {
        var directory = Directory.CreateTempSubdirectory("tributary-oversize-");
        var path = Path.Combine(directory.FullName, "big.log");
        await File.WriteAllTextAsync(path, "");
        try
        {
            await using var items = Feed(FeedKind.File, path: path).GetAsyncEnumerator();
            Assert.Equal(UpstreamStatus.Connected, Assert.IsType<UpstreamStatus>(await NextAsync(items)).Status);

            // Act: the line arrives in two writes; whether one poll or two reads them, it is skipped whole.
            await File.AppendAllTextAsync(path, new string('f', 2 * SmallItem));
            await File.AppendAllTextAsync(path, new string('f', 2 * SmallItem) + "\nnext\n");

            var oversize = Assert.IsType<UpstreamStatus>(await NextAsync(items));
            Assert.Equal(UpstreamStatus.Oversize, oversize.Status);
            Assert.InRange(oversize.Bytes!.Value, SmallItem + 1, 4 * SmallItem);
            Assert.Equal("next", await NextAsync(items));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public static TheoryData<string, string> EndlessItems => new()
    {
        { FeedKind.Ndjson, "" },
        { FeedKind.Sse, "data: " },
    };

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [MemberData(nameof(EndlessItems))]
    public async Task A_line_that_never_ends_is_reported_as_soon_as_it_passes_MaxItemBytes(string kind, string prefix)
    {
        _peer.HttpScript = async (_, response, token) =>
        {
            await response.WriteAsync(prefix, token);
            await WriteInChunksAsync(response, new string('e', 3 * SmallItem), token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(kind, _peer.HttpUrl).TakeAsync(2);

        var oversize = Assert.IsType<UpstreamStatus>(items[1]);
        Assert.Equal(UpstreamStatus.Oversize, oversize.Status);
        Assert.Contains("(MaxItemBytes)", oversize.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_sse_event_whose_data_lines_never_end_is_reported_as_soon_as_they_pass_MaxItemBytes()
    {
        var line = new string('d', 400);
        _peer.HttpScript = async (_, response, token) =>
        {
            await response.WriteAsync($"data: {line}\ndata: {line}\ndata: {line}\ndata: {line}\n", token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(FeedKind.Sse, _peer.HttpUrl).TakeAsync(2);

        var oversize = Assert.IsType<UpstreamStatus>(items[1]);
        Assert.Equal((UpstreamStatus.Oversize, 3 * 400 + 2), (oversize.Status, oversize.Bytes));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_websocket_message_that_never_ends_is_reported_as_soon_as_it_passes_MaxItemBytes()
    {
        _peer.WebSocketScript = async (_, socket, token) =>
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(new string('w', 2 * SmallItem)), WebSocketMessageType.Text, false, token);
            await Task.Delay(Timeout.Infinite, token);
        };

        var items = await Feed(FeedKind.WebSocket, _peer.WebSocketUrl).TakeAsync(2);

        var oversize = Assert.IsType<UpstreamStatus>(items[1]);
        Assert.Equal(UpstreamStatus.Oversize, oversize.Status);
        Assert.InRange(oversize.Bytes!.Value, SmallItem + 1, 2 * SmallItem);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_websocket_upstream_that_closes_during_an_oversized_message_ends_the_session_cleanly()
    {
        _peer.WebSocketScript = async (_, socket, token) =>
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(new string('w', 2 * SmallItem)), WebSocketMessageType.Text, false, token);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", token);
            await LoopbackPeer.WaitForCloseAsync(socket, token);
        };

        var items = await Feed(FeedKind.WebSocket, _peer.WebSocketUrl).TakeAsync(3);

        Assert.Equal(UpstreamStatus.Oversize, Assert.IsType<UpstreamStatus>(items[1]).Status);
        var ended = Assert.IsType<UpstreamStatus>(items[2]);
        Assert.Equal((UpstreamStatus.Disconnected, "the upstream ended the stream"), (ended.Status, ended.Message));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_file_line_that_is_never_finished_is_reported_as_soon_as_it_passes_MaxItemBytes()
    {
        var directory = Directory.CreateTempSubdirectory("tributary-endless-");
        var path = Path.Combine(directory.FullName, "endless.log");
        await File.WriteAllTextAsync(path, "");
        try
        {
            await using var items = Feed(FeedKind.File, path: path).GetAsyncEnumerator();
            Assert.Equal(UpstreamStatus.Connected, Assert.IsType<UpstreamStatus>(await NextAsync(items)).Status);

            await File.AppendAllTextAsync(path, new string('f', 2 * SmallItem));
            var oversize = Assert.IsType<UpstreamStatus>(await NextAsync(items));
            await File.AppendAllTextAsync(path, new string('f', SmallItem) + "\nnext\n");

            Assert.Equal(UpstreamStatus.Oversize, oversize.Status);
            Assert.InRange(oversize.Bytes!.Value, SmallItem + 1, 2 * SmallItem);
            Assert.Equal("next", await NextAsync(items));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Sse_retry_0_is_held_to_ReconnectMinDelay()
    {
        _peer.HttpScript = (_, response, token) => response.WriteAsync("retry: 0\ndata: x\n\n", token);

        var items = await Feed(FeedKind.Sse, _peer.HttpUrl, feed => feed.ReconnectMinDelay = TimeSpan.FromMilliseconds(300)).TakeAsync(4);

        var reconnecting = Assert.IsType<UpstreamStatus>(items[3]);
        Assert.Equal(UpstreamStatus.Reconnecting, reconnecting.Status);
        Assert.True(reconnecting.DelayMs >= 300, $"the delay was {reconnecting.DelayMs} ms");
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_upstream_that_accepts_and_closes_at_once_is_redialled_with_growing_backoff()
    {
        _peer.HttpScript = (_, _, _) => Task.CompletedTask;

        var items = await Feed(FeedKind.Ndjson, _peer.HttpUrl).TakeAsync(12);

        var reconnecting = items.OfType<UpstreamStatus>().Where(s => s.Status == UpstreamStatus.Reconnecting).ToList();
        Assert.Equal([1, 2, 3, 4], reconnecting.Select(s => s.Attempt));
        // Attempt n waits between half and all of 10 ms × 2^(n-1).
        Assert.All(reconnecting, s => Assert.InRange(s.DelayMs!.Value, 5 << (s.Attempt - 1), 10 << (s.Attempt - 1)));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task BackoffResetAfter_0_does_not_reset_the_backoff_of_attempts_that_never_connected()
    {
        var started = new List<long>();
        _peer.HttpHandler = (_, context) =>
        {
            lock (started)
            {
                started.Add(TimeProvider.System.GetTimestamp());
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };

        await CollectUntilAsync(Feed(FeedKind.Ndjson, _peer.HttpUrl, feed => feed.BackoffResetAfter = TimeSpan.Zero), () => _peer.Connections >= 6);

        // Attempts 1-5 wait at least 5 + 10 + 20 + 40 + 80 ms; without backoff they would take 25-50 ms.
        lock (started)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started[0], started[5]) >= TimeSpan.FromMilliseconds(155));
        }
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_connection_that_stayed_up_for_BackoffResetAfter_starts_the_backoff_over()
    {
        _peer.HttpScript = (_, _, token) => Task.Delay(400, token);

        var items = await Feed(FeedKind.Ndjson, _peer.HttpUrl, feed => feed.BackoffResetAfter = TimeSpan.FromMilliseconds(100)).TakeAsync(9);

        var attempts = items.OfType<UpstreamStatus>().Where(s => s.Status == UpstreamStatus.Reconnecting).Select(s => s.Attempt);
        Assert.Equal([1, 1, 1], attempts);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_upstream_that_keeps_failing_sends_one_disconnected_and_one_reconnecting_record_not_one_per_attempt()
    {
        _peer.HttpHandler = (_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };

        var items = await CollectUntilAsync(Feed(FeedKind.Ndjson, _peer.HttpUrl, feed => feed.ReconnectMaxDelay = TimeSpan.FromMilliseconds(20)), () => _peer.Connections >= 8);

        var statuses = items.OfType<UpstreamStatus>().ToList();
        Assert.Equal([UpstreamStatus.Disconnected, UpstreamStatus.Reconnecting], statuses.Select(s => s.Status));
        Assert.Equal("the upstream answered HTTP 503", statuses[0].Message);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_redirect_is_not_followed_by_default_and_is_reported_naming_the_target_host()
    {
        await using var elsewhere = await LoopbackPeer.StartAsync();
        elsewhere.HttpScript = (_, response, token) => response.WriteAsync("{\"from\":\"elsewhere\"}\n", token);
        _peer.HttpHandler = (_, context) => Redirect(context, new Uri(elsewhere.HttpUrl, "?token=secret").ToString());

        var items = await Feed(FeedKind.Ndjson, _peer.HttpUrl).TakeAsync(2);

        var redirected = Assert.IsType<UpstreamStatus>(items[0]);
        Assert.Equal(UpstreamStatus.Redirected, redirected.Status);
        Assert.Contains($"127.0.0.1:{elsewhere.BaseAddress.Port}", redirected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", redirected.Message, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.Connections);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task FollowRedirects_follows_a_redirect_to_the_same_host_but_not_to_another()
    {
        await using var elsewhere = await LoopbackPeer.StartAsync();
        _peer.HttpHandler = (n, context) => context.Request.Path.Value switch
        {
            "/http" => Redirect(context, "/http/moved"),
            "/http/moved" when n == 2 => context.Response.WriteAsync("{\"moved\":true}\n"),
            _ => Redirect(context, elsewhere.HttpUrl.ToString()),
        };

        var items = await Feed(FeedKind.Ndjson, _peer.HttpUrl, feed => feed.FollowRedirects = true).TakeAsync(5);

        Assert.Equal(UpstreamStatus.Connected, Assert.IsType<UpstreamStatus>(items[0]).Status);
        Assert.True(((JsonElement)items[1]).GetProperty("moved").GetBoolean());
        var redirected = items.OfType<UpstreamStatus>().Single(s => s.Status == UpstreamStatus.Redirected);
        Assert.Contains("only redirects to the same host", redirected.Message, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.Connections);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Status_records_name_the_upstream_without_user_info_or_query_and_failures_with_a_fixed_sentence()
    {
        var withSecrets = new UriBuilder(_peer.HttpUrl) { UserName = "user", Password = "hunter2", Query = "apikey=topsecret" }.Uri;
        using var logs = new CollectingLoggerProvider();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var refused = new UriBuilder(withSecrets) { Port = LoopbackPeer.ClosedPort() }.Uri;

        var connected = await Feed(FeedKind.Ndjson, withSecrets).TakeAsync(1);
        var failed = await Feed(FeedKind.Ndjson, refused, loggers: loggers).TakeAsync(2);

        Assert.Equal($"connected to http://127.0.0.1:{_peer.BaseAddress.Port}/http", Assert.IsType<UpstreamStatus>(connected[0]).Message);
        Assert.Equal("could not connect to the upstream", Assert.IsType<UpstreamStatus>(failed[0]).Message);
        Assert.All(connected.Concat(failed).OfType<UpstreamStatus>(), s => Assert.DoesNotContain("hunter2", s.Message, StringComparison.Ordinal));
        Assert.All(connected.Concat(failed).OfType<UpstreamStatus>(), s => Assert.DoesNotContain("topsecret", s.Message, StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Id.Id == 301 && e.Exception is HttpRequestException);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_silent_websocket_is_reported_stalled_after_IdleTimeout_and_replaced()
    {
        _peer.WebSocketScript = (_, socket, token) => LoopbackPeer.WaitForCloseAsync(socket, token);

        var items = await Feed(FeedKind.WebSocket, _peer.WebSocketUrl, feed => feed.IdleTimeout = TimeSpan.FromMilliseconds(200)).TakeAsync(4);

        Assert.Equal([UpstreamStatus.Connected, UpstreamStatus.Stalled, UpstreamStatus.Reconnecting, UpstreamStatus.Connected], items.Select(i => ((UpstreamStatus)i).Status));
        Assert.Equal("no data for 0.2 s", ((UpstreamStatus)items[1]).Message);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_ndjson_upstream_that_sends_headers_and_then_nothing_is_reported_stalled()
    {
        var items = await Feed(FeedKind.Ndjson, _peer.HttpUrl, feed => feed.IdleTimeout = TimeSpan.FromMilliseconds(200)).TakeAsync(2);

        Assert.Equal(UpstreamStatus.Stalled, Assert.IsType<UpstreamStatus>(items[1]).Status);
        await _peer.Open.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData(FeedKind.Ndjson)]
    [InlineData(FeedKind.WebSocket)]
    public async Task An_upstream_that_accepts_the_connection_and_never_answers_times_out_after_ConnectTimeout(string kind)
    {
        using var mute = new TcpListener(IPAddress.Loopback, 0);
        mute.Start();
        var port = ((IPEndPoint)mute.LocalEndpoint).Port;
        var url = new Uri(kind == FeedKind.WebSocket ? $"ws://127.0.0.1:{port}/ws" : $"http://127.0.0.1:{port}/http");

        var items = await Feed(kind, url, feed => feed.ConnectTimeout = TimeSpan.FromMilliseconds(200)).TakeAsync(1);

        Assert.Equal("no connection within 0.2 s", Assert.IsType<UpstreamStatus>(items[0]).Message);
    }

    private IAsyncEnumerable<object> Feed(string kind, Uri? url = null, Action<FeedDefinition>? configure = null, string? path = null, ILoggerFactory? loggers = null)
    {
        var feed = new FeedDefinition
        {
            Name = "upstream",
            Kind = kind,
            Url = url?.ToString(),
            Path = path,
            MaxItemBytes = SmallItem,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(10),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            PollInterval = TimeSpan.FromMilliseconds(20),
        };
        configure?.Invoke(feed);
        var catalog = loggers is null ? TestCatalogs.Create(_stats, feed) : TestCatalogs.Create(_stats, loggers, feed);
        return catalog.ReadAsync(feed, CounterOverrides.None, TestTimeouts.TestToken());
    }

    private static async Task<List<object>> CollectUntilAsync(IAsyncEnumerable<object> feed, Func<bool> done)
    {
        var items = new List<object>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestTimeouts.TestToken());
        var collecting = Task.Run(async () =>
        {
            await foreach (var item in feed.WithCancellation(stop.Token))
            {
                lock (items)
                {
                    items.Add(item);
                }
            }
        });
        while (!done())
        {
            await Task.Delay(10, TestTimeouts.TestToken());
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collecting);
        lock (items)
        {
            return [.. items];
        }
    }

    private static async Task<object> NextAsync(IAsyncEnumerator<object> items)
    {
        Assert.True(await items.MoveNextAsync().AsTask().DefaultTimeout());
        return items.Current;
    }

    private static async Task WriteInChunksAsync(HttpResponse response, string text, CancellationToken token)
    {
        for (var i = 0; i < text.Length; i += 256)
        {
            await response.WriteAsync(text.Substring(i, Math.Min(256, text.Length - i)), token);
            await response.Body.FlushAsync(token);
        }
    }

    private static Task Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
