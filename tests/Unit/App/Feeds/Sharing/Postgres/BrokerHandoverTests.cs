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

    [Fact]
    public async Task A_JetStream_feed_continues_after_the_last_kept_sequence_with_no_duplicate_no_hole_and_no_gap()
    {
        await using var nats = await ThrowawayBroker.NatsAsync();
        await using var client = new NatsConnection(new NatsOpts { Url = nats.Url });
        var js = new NatsJSContext(client);
        await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]));

        var outcome = await HandOverAsync(
            [("Kind", "nats"), ("Url", nats.Url), ("Subject", "orders.>"), ("Stream", "ORDERS"), ("Start", "All")],
            async (_, json) => (await js.PublishAsync("orders.new", Encoding.UTF8.GetBytes(json))).EnsureSuccess());

        Assert.Equal(Numbers(outcome.Published), outcome.Kept);
        Assert.Empty(outcome.Gaps);
    }

    [Fact]
    public async Task A_Redis_stream_feed_continues_after_the_last_kept_id_with_no_duplicate_no_hole_and_no_gap()
    {
        await using var redis = await ThrowawayBroker.RedisAsync();
        await using var client = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");

        var outcome = await HandOverAsync(
            [("Kind", "redis"), ("Url", redis.Url), ("Stream", "orders"), ("Start", "All")],
            (_, json) => client.GetDatabase().StreamAddAsync("orders", "data", json));

        Assert.Equal(Numbers(outcome.Published), outcome.Kept);
        Assert.Empty(outcome.Gaps);
    }

    [Fact]
    public async Task An_MQTT_QoS_1_feed_takes_up_its_session_on_the_other_instance_with_no_hole_and_no_gap()
    {
        await using var mosquitto = await ThrowawayBroker.MosquittoAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).Build());

        var outcome = await HandOverAsync(
            [("Kind", "mqtt"), ("Url", mosquitto.Url), ("Topic", "orders/#"), ("Qos", "1")],
            (_, json) => client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("orders/new").WithPayload(json)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()));

        // At least once: what the killed producer kept but had not yet acknowledged comes again, so a number may repeat
        // (at most the broker's window of unacknowledged messages); none is missing.
        Assert.Equal(Numbers(outcome.Published), outcome.Kept.Distinct());
        Assert.True(outcome.Kept.Count - outcome.Published <= 256, $"{outcome.Kept.Count - outcome.Published} repeated");
        Assert.Empty(outcome.Gaps);
    }

    [Theory]
    [InlineData(HandOver.KillWhileAppendsWait)]
    [InlineData(HandOver.Clean)]
    public async Task A_JetStream_feed_loses_and_repeats_nothing_when_its_producer_dies_with_uncommitted_messages_or_hands_over_cleanly(HandOver how)
    {
        await using var nats = await ThrowawayBroker.NatsAsync();
        await using var client = new NatsConnection(new NatsOpts { Url = nats.Url });
        var js = new NatsJSContext(client);
        await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]));

        var outcome = await HandOverAsync(
            [("Kind", "nats"), ("Url", nats.Url), ("Subject", "orders.>"), ("Stream", "ORDERS"), ("Start", "All")],
            async (_, json) => (await js.PublishAsync("orders.new", Encoding.UTF8.GetBytes(json))).EnsureSuccess(),
            how);

        Assert.Equal(Numbers(outcome.Published), outcome.Kept);
        Assert.Empty(outcome.Gaps);
    }

    [Theory]
    [InlineData(HandOver.KillWhileAppendsWait)]
    [InlineData(HandOver.Clean)]
    public async Task A_Redis_stream_feed_loses_and_repeats_nothing_when_its_producer_dies_with_uncommitted_messages_or_hands_over_cleanly(HandOver how)
    {
        await using var redis = await ThrowawayBroker.RedisAsync();
        await using var client = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");

        var outcome = await HandOverAsync(
            [("Kind", "redis"), ("Url", redis.Url), ("Stream", "orders"), ("Start", "All")],
            (_, json) => client.GetDatabase().StreamAddAsync("orders", "data", json),
            how);

        Assert.Equal(Numbers(outcome.Published), outcome.Kept);
        Assert.Empty(outcome.Gaps);
    }

    [Fact]
    public async Task An_MQTT_QoS_1_feed_whose_producer_dies_with_uncommitted_messages_gets_them_from_the_broker()
    {
        await using var mosquitto = await ThrowawayBroker.MosquittoAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).Build());

        var outcome = await HandOverAsync(
            [("Kind", "mqtt"), ("Url", mosquitto.Url), ("Topic", "orders/#"), ("Qos", "1")],
            (_, json) => client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("orders/new").WithPayload(json)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()),
            HandOver.KillWhileAppendsWait);

        Assert.Equal(Numbers(outcome.Published), outcome.Kept.Distinct().Order());
        Assert.Empty(outcome.Gaps);
    }

    [Fact]
    public async Task An_MQTT_QoS_1_feed_handed_over_cleanly_loses_and_repeats_nothing()
    {
        await using var mosquitto = await ThrowawayBroker.MosquittoAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).Build());

        var outcome = await HandOverAsync(
            [("Kind", "mqtt"), ("Url", mosquitto.Url), ("Topic", "orders/#"), ("Qos", "1")],
            (_, json) => client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("orders/new").WithPayload(json)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()),
            HandOver.Clean);

        Assert.Equal(Numbers(outcome.Published), outcome.Kept);
        Assert.Empty(outcome.Gaps);
    }

    [Fact]
    public async Task A_core_NATS_feed_which_cannot_replay_marks_the_handover_with_a_gap_record()
    {
        await using var nats = await ThrowawayBroker.NatsAsync();
        await using var client = new NatsConnection(new NatsOpts { Url = nats.Url });

        var outcome = await HandOverAsync(
            [("Kind", "nats"), ("Url", nats.Url), ("Subject", "orders.>")],
            (_, json) => client.PublishAsync("orders.new", Encoding.UTF8.GetBytes(json)).AsTask());

        var gap = Assert.Single(outcome.Gaps);
        Assert.Contains("changed producer", gap, StringComparison.Ordinal);
        Assert.Equal(outcome.Kept.Order(), outcome.Kept.Distinct());
    }

    [Fact]
    public async Task A_Redis_channel_feed_which_cannot_replay_marks_the_handover_with_a_gap_record()
    {
        await using var redis = await ThrowawayBroker.RedisAsync();
        await using var client = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port}");

        var outcome = await HandOverAsync(
            [("Kind", "redis"), ("Url", redis.Url), ("Channel", "orders.*")],
            (_, json) => client.GetSubscriber().PublishAsync(RedisChannel.Literal("orders.new"), json));

        Assert.Contains("changed producer", Assert.Single(outcome.Gaps), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_MQTT_QoS_0_feed_which_keeps_no_session_marks_the_handover_with_a_gap_record()
    {
        await using var mosquitto = await ThrowawayBroker.MosquittoAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).Build());

        var outcome = await HandOverAsync(
            [("Kind", "mqtt"), ("Url", mosquitto.Url), ("Topic", "orders/#"), ("Qos", "0")],
            (_, json) => client.PublishStringAsync("orders/new", json));

        Assert.Contains("changed producer", Assert.Single(outcome.Gaps), StringComparison.Ordinal);
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
    private async Task<HandOverOutcome> HandOverAsync((string Key, string Value)[] feed, Func<long, string, Task> publish, HandOver how = HandOver.Kill)
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        var settings = postgres.Settings(schema, [("Feeds:100:Name", Feed), ("Feeds:100:Linger", "00:00:00"), .. feed.Select(f => ($"Feeds:100:{f.Key}", (string?)f.Value))]);
        await using var a = await AppProcess.StartAsync(settings, token);
        using var readerOfA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var streamOfA = await readerOfA.OpenStreamAsync($"/api/stream?feeds={Feed}", token);
        var linesOfA = await streamOfA.BodyReaderAsync(token);
        await ReadUntilAsync(linesOfA, r => Status(r) == "connected", token);
        Assert.True(await a.ProducesAsync(Feed, token), a.Log);

        await using var publisher = new NumberedPublisher(publish);
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
            var rows = (string?)await postgres.ScalarAsync(
                $"select string_agg(data, E'\\n' order by seq) from {schema}.items where feed = '{Feed}' and kind = 0", CancellationToken.None) ?? "";
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

    public enum HandOver
    {
        Kill,
        KillWhileAppendsWait,
        Clean,
    }
}
