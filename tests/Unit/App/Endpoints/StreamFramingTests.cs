using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

public sealed class StreamFramingTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    [Fact]
    public async Task The_stream_is_sent_with_chunked_framing_and_no_content_length()
    {
        var token = TestTimeouts.TestToken();
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, fixture.App.BaseAddress.Port, token);
        var network = socket.GetStream();
        await network.WriteAsync(Encoding.ASCII.GetBytes(
            "GET /api/stream?feeds=fast&limit=5 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), token);

        var raw = await ReadToCloseAsync(network, token);
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = raw[..split];
        var body = raw[(split + 4)..];

        Assert.StartsWith("HTTP/1.1 200 OK", head, StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", head, StringComparison.OrdinalIgnoreCase);
        var lines = DecodeChunks(body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([1L, 2, 3, 4, 5], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task The_first_item_arrives_while_the_feed_is_still_producing()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        // The idle feed's second item is due in 1000 s: only a live stream can deliver the first one now.
        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        using var reader = await response.BodyReaderAsync(token);
        var first = JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement;

        Assert.Equal("idle", first.GetProperty("feed").GetString());
        Assert.Equal(1, first.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task An_ndjson_record_carries_feed_sequence_UTC_timestamp_and_data()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=1&format=ndjson", token);
        var line = (await response.Content.ReadAsStringAsync(token)).TrimEnd('\n');
        var record = JsonDocument.Parse(line).RootElement;

        Assert.Equal("application/x-ndjson", response.Content.Headers.MediaType());
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(["feed", "seq", "ts", "data"], record.EnumerateObject().Select(p => p.Name));
        Assert.EndsWith("Z", record.GetProperty("ts").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, record.GetProperty("data").GetProperty("value").GetInt64());
    }

    [Fact]
    public async Task Streaming_responses_carry_the_no_buffering_headers()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=1", token);

        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Equal(["no"], response.Headers.GetValues("X-Accel-Buffering"));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task Limit_ends_the_stream_after_that_many_items_and_stops_its_producers()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast,idle&limit=7", token);
        using var reader = await response.BodyReaderAsync(token);
        var records = await reader.ReadNdjsonToEndAsync(token);

        Assert.Equal(7, records.Count);
        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public async Task Duplicate_feed_names_are_merged_into_one_feed()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast,fast,FAST&limit=3", token);
        using var reader = await response.BodyReaderAsync(token);
        var records = await reader.ReadNdjsonToEndAsync(token);

        Assert.Equal([1L, 2, 3], records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.All(records, r => Assert.Equal("fast", r.GetProperty("feed").GetString()));
    }

    [Fact]
    public async Task Sse_events_carry_feed_colon_seq_ids_and_feed_names_as_event_types()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=2&format=sse", token);
        var body = await response.Content.ReadAsStringAsync(token);
        var events = body.SseEvents();

        Assert.Equal("text/event-stream", response.Content.Headers.MediaType());
        Assert.Equal(2, events.Length);
        var lines = events[1].Split('\n');
        Assert.Equal("id: fast:2", lines[0]);
        Assert.Equal("event: fast", lines[1]);
        Assert.StartsWith("data: {\"feed\":\"fast\",\"seq\":2,", lines[2], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task An_idle_sse_stream_sends_comment_heartbeats()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle&format=sse", token);
        using var reader = await response.BodyReaderAsync(token);
        string line;
        do
        {
            line = await reader.ReadLineOrThrowAsync(token);
        }
        while (!line.StartsWith(':'));

        Assert.Equal(": heartbeat", line);
    }

    [Fact]
    public async Task Accept_text_event_stream_selects_sse_when_no_format_is_given()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=1", token, ("Accept", "text/event-stream"));

        Assert.Equal("text/event-stream", response.Content.Headers.MediaType());
    }

    [Fact]
    public async Task A_Last_Event_ID_for_a_private_feed_gets_a_reset_record_before_live_items()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=1&format=sse", token, ("Last-Event-ID", "fast:41"));
        var events = (await response.Content.ReadAsStringAsync(token)).SseEvents();

        Assert.StartsWith("event: reset\ndata: {\"type\":\"reset\",\"feed\":\"fast\",", events[0], StringComparison.Ordinal);
        Assert.Contains("keeps no history", events[0], StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"private\"", events[0], StringComparison.Ordinal);
        Assert.StartsWith("id: fast:1\n", events[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_Last_Event_ID_gets_400()
    {
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast&format=sse", TestTimeouts.TestToken(), ("Last-Event-ID", "garbage"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Text_format_writes_one_readable_line_per_item()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=2&format=text", token);
        var lines = (await response.Content.ReadAsStringAsync(token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/plain", response.Content.Headers.MediaType());
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3}Z  fast       #2      \{""value"":2\}$", lines[1]);
    }

    private static async Task<string> ReadToCloseAsync(NetworkStream network, CancellationToken token)
    {
        using var buffer = new MemoryStream();
        await network.CopyToAsync(buffer, token);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // RFC 9112 chunked coding: hex size CRLF, data CRLF, ..., then a zero-size chunk.
    private static string DecodeChunks(string body)
    {
        var data = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[position..lineEnd], 16);
            if (size == 0)
            {
                Assert.Equal("0\r\n\r\n", body[position..]);
                return data.ToString();
            }

            data.Append(body, lineEnd + 2, size);
            Assert.Equal("\r\n", body.Substring(lineEnd + 2 + size, 2));
            position = lineEnd + 2 + size + 2;
        }
    }
}
