using System.Buffers;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>redis</c>: a stream read with blocking <c>XREAD</c> after a position (each entry one item, its id the position
/// kept with it), or a pub/sub channel or pattern. Each session has a connection of its own: a blocking read holds
/// its connection, and this loop, not the client, decides when to reconnect.
/// </summary>
internal static class RedisUpstream
{
    private const int ReadCount = 256;
    private const int BlockMilliseconds = 1000;

    public static async Task SessionAsync(UpstreamConnection connection, CancellationToken cancellationToken)
    {
        var feed = connection.Feed;
        await using var redis = await RedisSession.ConnectAsync(feed, cancellationToken);
        if (feed.Stream is { Length: > 0 } stream)
        {
            await ReadStreamAsync(connection, redis, stream, cancellationToken);
        }
        else
        {
            await ReadChannelAsync(connection, redis, feed.Channel!, cancellationToken);
        }
    }

    private static async Task ReadStreamAsync(UpstreamConnection connection, RedisSession redis, string key, CancellationToken cancellationToken)
    {
        // Resolved before readers are told the feed is connected: what is added from then on is read.
        var (after, last) = await StartAsync(connection, redis, key, cancellationToken);
        await connection.ConnectedAsync();
        if (last is not null)
        {
            after = await EmitEntryAsync(connection, key, last);
        }

        while (true)
        {
            var result = await redis.RunAsync(db => db.ExecuteAsync("XREAD", "COUNT", ReadCount, "BLOCK", BlockMilliseconds, "STREAMS", key, after), cancellationToken);
            if (result.IsNull)
            {
                continue;
            }

            foreach (var entry in Entries(result))
            {
                after = await EmitEntryAsync(connection, key, entry);
            }
        }
    }

    // Where to read after: the kept position, else what Start says, resolved to an id now (XREAD's '$' would skip what
    // arrives between two reads); for Last, the entry to emit first.
    private static async Task<(string After, RedisResult[]? Last)> StartAsync(UpstreamConnection connection, RedisSession redis, string key, CancellationToken cancellationToken)
    {
        var start = connection.Feed.Start ?? "New";
        if (connection.Position is { } kept)
        {
            return (kept, null);
        }

        if (start is "New" or "Last")
        {
            var newest = (RedisResult[])(await redis.RunAsync(db => db.ExecuteAsync("XREVRANGE", key, "+", "-", "COUNT", 1), cancellationToken))!;
            return newest.Length == 0 ? ("0-0", null)
                : start == "Last" ? ("0-0", (RedisResult[])newest[0]!)
                : ((string)((RedisResult[])newest[0]!)[0]!, null);
        }

        if (start == "All")
        {
            return ("0-0", null);
        }

        if (BrokerFeedValidator.TryParseStartTime(start, out var time))
        {
            var ms = time.ToUnixTimeMilliseconds();
            return (ms <= 0 ? "0-0" : string.Create(CultureInfo.InvariantCulture, $"{ms - 1}-{ulong.MaxValue}"), null);
        }

        return (start, null);
    }

    private static async Task<string> EmitEntryAsync(UpstreamConnection connection, string key, RedisResult[] entry)
    {
        var id = (string)entry[0]!;
        var fields = (RedisValue[])entry[1]!;
        var payload = Payload(fields);
        if (payload.Length > connection.Feed.MaxItemBytes)
        {
            // Skipped, but read: the position moves past it, so no producer reads it again.
            await connection.OversizeAsync($"stream entry {id}", payload.Length, id);
            return id;
        }

        var message = new BrokerMessage(new ReadOnlySequence<byte>(payload), [("stream", key), ("id", id)], []);
        await connection.EmitAsync(message.ToData(connection.Feed), id);
        return id;
    }

    // An entry of one field is that field's value; of several, an object of them (each value as text).
    private static byte[] Payload(RedisValue[] fields)
    {
        if (fields.Length == 2)
        {
            return (byte[])fields[1]!;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                writer.WriteString((string)fields[i]!, (string?)fields[i + 1]);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // XREAD's answer: [[key, [[id, [field, value, ...]], ...]]] (RESP2, which the session asks for).
    private static IEnumerable<RedisResult[]> Entries(RedisResult result)
    {
        foreach (var stream in (RedisResult[])result!)
        {
            foreach (var entry in (RedisResult[])((RedisResult[])stream!)[1]!)
            {
                yield return (RedisResult[])entry!;
            }
        }
    }

    private static async Task ReadChannelAsync(UpstreamConnection connection, RedisSession redis, string channel, CancellationToken cancellationToken)
    {
        await using var messages = await redis.SubscribeAsync(channel, cancellationToken);
        await connection.ConnectedAsync();
        while (true)
        {
            var (name, payload, missed) = await messages.ReadAsync(cancellationToken);
            if (missed > 0)
            {
                await connection.EmitAsync(new UpstreamStatus(UpstreamStatus.Missed, $"{missed} messages on {channel} came faster than the feed could keep them and were dropped"));
            }

            if (payload.Length > connection.Feed.MaxItemBytes)
            {
                await connection.OversizeAsync($"a message on {name}", payload.Length);
                continue;
            }

            var message = new BrokerMessage(new ReadOnlySequence<byte>(payload), [("channel", name)], []);
            await connection.EmitAsync(message.ToData(connection.Feed));
        }
    }
}
