using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using StackExchange.Redis;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing.Postgres;

/// <summary>
/// A message-system feed's producer killed (SIGKILL of its process) while messages keep being published, with the
/// PostgreSQL engine: the other instance takes over from where the log ends. Sources that can replay continue exactly
/// (no duplicate, no hole, no gap record); those that cannot send a gap record.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class BrokerHandoverTests(PostgresFixture postgres)
{
    private const string Feed = "orders";

    [Theory]
    [InlineData(HandOver.Kill)]
    [InlineData(HandOver.KillWhileAppendsWait)]
    [InlineData(HandOver.Clean)]
    public async Task A_JetStream_feed_continues_after_the_last_kept_sequence_with_no_duplicate_no_hole_and_no_gap(HandOver how)
    {
        await using var source = await JetStreamAsync();

        var outcome = await HandOverAsync(source, how);

        Assert.Equal(Numbers(outcome.Published), outcome.Kept);
        Assert.Empty(outcome.Gaps);
    }

    [Theory]
    [InlineData(HandOver.Kill)]
    [InlineData(HandOver.KillWhileAppendsWait)]
    [InlineData(HandOver.Clean)]
    public async Task A_Redis_stream_feed_continues_after_the_last_kept_id_with_no_duplicate_no_hole_and_no_gap(HandOver how)
    {
        await using var source = await RedisAsync(("Stream", "orders"), ("Start", "All"));

        var outcome = await HandOverAsync(source, how);

        Assert.Equal(Numbers(outcome.Published), outcome.Kept);
        Assert.Empty(outcome.Gaps);
    }

    [Theory]
    [InlineData(HandOver.Kill)]
    [InlineData(HandOver.KillWhileAppendsWait)]
    public async Task An_MQTT_QoS_1_feed_takes_up_its_session_on_the_other_instance_with_no_hole_and_no_gap(HandOver how)
    {
        await using var source = await MqttAsync(qos: 1);

        var outcome = await HandOverAsync(source, how);

        // At least once: what the killed producer kept but had not yet acknowledged comes again, so a number may repeat
        // (at most the broker's window of unacknowledged messages); none is missing.
        Assert.Equal(Numbers(outcome.Published), outcome.Kept.Distinct().Order());
        Assert.True(outcome.Kept.Count - outcome.Published <= 256, $"{outcome.Kept.Count - outcome.Published} repeated");
        Assert.Empty(outcome.Gaps);
    }

    [Fact]
    public async Task An_MQTT_QoS_1_feed_handed_over_cleanly_loses_and_repeats_nothing()
    {
        await using var source = await MqttAsync(qos: 1);

        var outcome = await HandOverAsync(source, HandOver.Clean);

        Assert.Equal(Numbers(outcome.Published), outcome.Kept);
        Assert.Empty(outcome.Gaps);
    }

    [Theory]
    [InlineData("nats")]
    [InlineData("redis")]
    [InlineData("mqtt")]
    public async Task A_feed_whose_source_cannot_replay_marks_the_handover_with_a_gap_record(string kind)
    {
        await using var source = kind switch
        {
            "nats" => await CoreNatsAsync(),
            "redis" => await RedisAsync(("Channel", "orders.*")),
            _ => await MqttAsync(qos: 0),
        };

        var outcome = await HandOverAsync(source, HandOver.Kill);

        Assert.Contains("changed producer", Assert.Single(outcome.Gaps), StringComparison.Ordinal);
        Assert.Equal(outcome.Kept.Order(), outcome.Kept.Distinct());
    }

    [Fact]
    public async Task A_feed_whose_settings_now_name_another_stream_starts_there_afresh_with_a_gap_record()
    {
        var token = TestTimeouts.TestToken();
        await using var nats = await ThrowawayBroker.NatsAsync();
        await using var client = new NatsConnection(new NatsOpts { Url = nats.Url });
        var js = new NatsJSContext(client);
        await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]), token);
        await js.CreateStreamAsync(new StreamConfig("OTHER", ["other.>"]), token);
        for (var n = 1; n <= 3; n++)
        {
            (await js.PublishAsync("orders.x", Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), cancellationToken: token)).EnsureSuccess();
            (await js.PublishAsync("other.x", Encoding.UTF8.GetBytes($$"""{"n":{{n + 100}}}"""), cancellationToken: token)).EnsureSuccess();
        }

        var schema = PostgresFixture.NewSchema();
        (string, string?)[] feed = [("Feeds:100:Name", Feed), ("Feeds:100:Kind", "nats"), ("Feeds:100:Url", nats.Url), ("Feeds:100:Start", "All")];
        await using (var before = await LoopbackApp.StartAsync(postgres.Settings(schema, [.. feed, ("Feeds:100:Subject", "orders.>"), ("Feeds:100:Stream", "ORDERS")]), cancellationToken: token))
        {
            using var reader = new HttpClient { BaseAddress = before.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            using var stream = await reader.OpenStreamAsync($"/api/stream?feeds={Feed}", token);
            await WaitForLogAsync(schema, 3);
        }

        await using (var after = await LoopbackApp.StartAsync(postgres.Settings(schema, [.. feed, ("Feeds:100:Subject", "other.>"), ("Feeds:100:Stream", "OTHER")]), cancellationToken: token))
        {
            using var reader = new HttpClient { BaseAddress = after.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            using var stream = await reader.OpenStreamAsync($"/api/stream?feeds={Feed}", token);
            await WaitForLogAsync(schema, 103);
        }

        var kept = await WaitForLogAsync(schema, 103);
        var gap = (string?)await postgres.ScalarAsync($"select gap from {schema}.items where feed = '{Feed}' and gap is not null", token);

        // Then core NATS, which has no position: the kept one, OTHER's, is forgotten with the first rows.
        await using (var core = await LoopbackApp.StartAsync(postgres.Settings(schema, [.. feed[..3], ("Feeds:100:Subject", "other.>")]), cancellationToken: token))
        {
            using var reader = new HttpClient { BaseAddress = core.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            using var stream = await reader.OpenStreamAsync($"/api/stream?feeds={Feed}", token);
            await TestTimeouts.WaitUntilAsync(async () =>
            {
                await client.PublishAsync("other.core", Encoding.UTF8.GetBytes("""{"n":200}"""), cancellationToken: token);
                return (await WaitForLogAsync(schema, 103)).Contains(200);
            });
        }

        Assert.Equal([1, 2, 3, 101, 102, 103], kept);
        Assert.Contains("now reads another source", gap, StringComparison.Ordinal);
        Assert.Equal(2L, await postgres.ScalarAsync($"select count(*) from {schema}.items where feed = '{Feed}' and gap like '%now reads another source%'", token));
        Assert.True(await postgres.ScalarAsync($"select source_position is null from {schema}.feeds where name = '{Feed}'", token) is true);
    }

    private static async Task<Source> JetStreamAsync()
    {
        var nats = await ThrowawayBroker.NatsAsync();
        var client = new NatsConnection(new NatsOpts { Url = nats.Url });
        var js = new NatsJSContext(client);
        await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]));
        return new Source(
            [("Kind", "nats"), ("Url", nats.Url), ("Subject", "orders.>"), ("Stream", "ORDERS"), ("Start", "All")],
            async json => (await js.PublishAsync("orders.new", Encoding.UTF8.GetBytes(json))).EnsureSuccess(),
            [client, nats]);
    }

    private static async Task<Source> CoreNatsAsync()
    {
        var nats = await ThrowawayBroker.NatsAsync();
        var client = new NatsConnection(new NatsOpts { Url = nats.Url });
        return new Source(
            [("Kind", "nats"), ("Url", nats.Url), ("Subject", "orders.>")],
            json => client.PublishAsync("orders.new", Encoding.UTF8.GetBytes(json)).AsTask(),
            [client, nats]);
    }

    private static async Task<Source> RedisAsync(params (string, string)[] reads)
    {
        var redis = await ThrowawayBroker.RedisAsync();
        var client = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");
        var database = client.GetDatabase();
        return new Source(
            [("Kind", "redis"), ("Url", redis.Url), .. reads],
            json => reads[0].Item1 == "Stream" ? database.StreamAddAsync("orders", "data", json) : client.GetSubscriber().PublishAsync(RedisChannel.Literal("orders.new"), json),
            [client, redis]);
    }

    private static async Task<Source> MqttAsync(int qos)
    {
        var mosquitto = await ThrowawayBroker.MosquittoAsync();
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).Build());
        var level = qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
        return new Source(
            [("Kind", "mqtt"), ("Url", mosquitto.Url), ("Topic", "orders/#"), ("Qos", $"{qos}")],
            json => client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("orders/new").WithPayload(json).WithQualityOfServiceLevel(level).Build()),
            [new Disposal(client.Dispose), mosquitto]);
    }

    private static IEnumerable<long> Numbers(long last)
    {
        for (var n = 1L; n <= last; n++)
        {
            yield return n;
        }
    }

    // Instance A (a process) produces the feed while B (in this process) reads it; A is killed (or, cleanly, its reader
    // leaves) while messages keep coming; B takes over. Returns every number the log kept, in order, and the gap records
    // its reader on B was sent. With HandOver.KillWhileAppendsWait, A's appends wait on a lock this test holds on the
    // feed's row, so A dies with messages it read from the source but never committed.
    private async Task<HandOverOutcome> HandOverAsync(Source source, HandOver how)
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        var settings = postgres.Settings(schema, [("Feeds:100:Name", Feed), ("Feeds:100:Linger", "00:00:00"), .. source.Feed.Select(f => ($"Feeds:100:{f.Key}", (string?)f.Value))]);
        await using var a = await AppProcess.StartAsync(settings, token);
        using var readerOfA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var streamOfA = await readerOfA.OpenStreamAsync($"/api/stream?feeds={Feed}", token);
        var linesOfA = await streamOfA.BodyReaderAsync(token);
        await ReadUntilAsync(linesOfA, r => Status(r) == "connected", token);
        Assert.True(await a.ProducesAsync(Feed, token), a.Log);

        await using var publisher = new NumberedPublisher(source.Publish);
        await publisher.WaitForMoreAsync(100);
        await using var b = await LoopbackApp.StartAsync(settings, cancellationToken: token);
        using var readerOfB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var streamOfB = await readerOfB.OpenStreamAsync($"/api/stream?feeds={Feed}", token);
        var watch = WatchGapsAsync(await streamOfB.BodyReaderAsync(token), token);
        await publisher.WaitForMoreAsync(100);

        switch (how)
        {
            case HandOver.Kill:
                a.Kill();
                break;
            case HandOver.KillWhileAppendsWait:
                await using (var hold = await HoldFeedRowAsync(schema, token))
                {
                    await publisher.WaitForMoreAsync(100);
                    a.Kill();
                }

                break;
            case HandOver.Clean:
                streamOfA.Dispose();
                break;
        }

        await TestTimeouts.WaitUntilAsync(() => b.Services.GetRequiredService<StreamStats>().SharedFeed(Feed).Snapshot().Producer);
        await publisher.WaitForMoreAsync(200);
        var published = await publisher.StopAsync();
        var kept = await WaitForLogAsync(schema, published);
        streamOfB.Dispose();
        streamOfA.Dispose();
        return new HandOverOutcome(published, kept, await watch);
    }

    // A transaction holding the feed's row: the producer's appends (which update it) wait until it ends.
    private async Task<NpgsqlTransaction> HoldFeedRowAsync(string schema, CancellationToken token)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(token);
        var transaction = await connection.BeginTransactionAsync(token);
        await using var command = new NpgsqlCommand($"select 1 from {schema}.feeds where name = '{Feed}' for update", connection, transaction);
        await command.ExecuteScalarAsync(token);
        return transaction;
    }

    // The numbers in the log's data rows, once the last one published is there.
    private async Task<List<long>> WaitForLogAsync(string schema, long last)
    {
        List<long> kept = [];
        await TestTimeouts.WaitUntilAsync(async () =>
        {
            // No row yet is NULL.
            var rows = await postgres.ScalarAsync(
                $"select string_agg(data, E'\\n' order by seq) from {schema}.items where feed = '{Feed}' and kind = 0", CancellationToken.None) as string ?? "";
            kept = [.. rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => JsonDocument.Parse(r).RootElement.GetProperty("n").GetInt64())];
            return kept.Contains(last);
        });
        return kept;
    }

    private static async Task<List<string>> WatchGapsAsync(StreamReader reader, CancellationToken token)
    {
        var gaps = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(token) is { } line)
            {
                var record = JsonDocument.Parse(line).RootElement;
                if (record.TryGetProperty("type", out var type) && type.GetString() == "gap")
                {
                    gaps.Add(record.GetProperty("message").GetString()!);
                }
            }
        }
        catch (Exception failure) when (failure is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The test closed the stream.
        }

        return gaps;
    }

    private static string? Status(JsonElement record) =>
        record.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("status", out var status) ? status.GetString() : null;

    private static async Task ReadUntilAsync(StreamReader reader, Func<JsonElement, bool> match, CancellationToken token)
    {
        while (!match(JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement))
        {
        }
    }

    private sealed record HandOverOutcome(long Published, List<long> Kept, List<string> Gaps);

    // A broker of the test's own, the feed's settings for it, and a publisher to it; disposing stops them.
    private sealed record Source((string Key, string Value)[] Feed, Func<string, Task> Publish, IAsyncDisposable[] Owned) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var owned in Owned)
            {
                await owned.DisposeAsync();
            }
        }
    }

    private sealed class Disposal(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }

    public enum HandOver
    {
        Kill,
        KillWhileAppendsWait,
        Clean,
    }
}
