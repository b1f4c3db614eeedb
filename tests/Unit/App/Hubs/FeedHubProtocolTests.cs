using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Hubs;
using Tributary.Streaming.Records;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Hubs;

/// <summary>The feed hub over MessagePack beside JSON: the same records, arguments, refusals and teardown on both.</summary>
public sealed class FeedHubProtocolTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    public static TheoryData<FeedHubProtocol> Protocols => new() { FeedHubProtocol.MessagePack, FeedHubProtocol.Json };

    [Fact]
    public async Task Both_protocols_deliver_the_same_records_and_control_records()
    {
        // Resuming a private feed begins with a reset record, which says so in "type".
        var overJson = await ReadAsync(FeedHubProtocol.Json);
        var overMessagePack = await ReadAsync(FeedHubProtocol.MessagePack);

        // Each stream runs its own private counter, stamped at its own times.
        Assert.Equal(Shapes(overJson.Select(r => r with { Timestamp = default })), Shapes(overMessagePack.Select(r => r with { Timestamp = default })));
        Assert.Equal(["reset", null, null, null], overMessagePack.Select(r => r.Type));
        Assert.All(overMessagePack, r => Assert.Equal(TimeSpan.Zero, r.Timestamp.Offset));
        Assert.All(overMessagePack, r => Assert.InRange(r.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));

        async Task<List<FeedRecord>> ReadAsync(FeedHubProtocol protocol)
        {
            await using var connection = await ConnectAsync(protocol);
            return await connection.StreamAsync<FeedRecord>("StreamWith", new[] { "fast" }, new HubStreamOptions(Limit: 3, Since: "fast:5"), TestTimeouts.TestToken()).TakeAsync(10);
        }
    }

    [Fact]
    public async Task A_shared_feeds_items_read_the_same_over_both_protocols_and_every_time()
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(
            ("Feeds:110:Name", "sharedticks"), ("Feeds:110:Kind", "counter"), ("Feeds:110:Rate", "200"), ("Feeds:110:Shared", "true")));
        await using var json = await ConnectAsync(FeedHubProtocol.Json, app);
        await using var messagePack = await ConnectAsync(FeedHubProtocol.MessagePack, app);

        var newest = await json.StreamAsync<FeedRecord>("StreamWith", new[] { "sharedticks" }, new HubStreamOptions(Limit: 3, Tail: 3), TestTimeouts.TestToken()).TakeAsync(10);
        var since = new HubStreamOptions(Limit: 3, Since: $"sharedticks:{newest[0].Sequence - 1}@{newest[0].Epoch}");
        var againOverJson = await json.StreamAsync<FeedRecord>("StreamWith", new[] { "sharedticks" }, since, TestTimeouts.TestToken()).TakeAsync(10);
        var overMessagePack = await messagePack.StreamAsync<FeedRecord>("StreamWith", new[] { "sharedticks" }, since, TestTimeouts.TestToken()).TakeAsync(10);
        var againOverMessagePack = await messagePack.StreamAsync<FeedRecord>("StreamWith", new[] { "sharedticks" }, since, TestTimeouts.TestToken()).TakeAsync(10);

        Assert.NotNull(newest[0].Epoch);
        Assert.Equal(Shapes(newest), Shapes(againOverJson));
        Assert.Equal(Shapes(newest), Shapes(overMessagePack));
        Assert.Equal(Shapes(newest), Shapes(againOverMessagePack));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Stream_options_and_batches_are_read_as_on_json(FeedHubProtocol protocol)
    {
        await using var connection = await ConnectAsync(protocol);

        var batches = await connection.StreamAsync<FeedRecord[]>("StreamBatchesWith", new[] { "fast" }, new HubStreamOptions(Limit: 3), TestTimeouts.TestToken()).TakeAsync(10);

        Assert.Equal([1L, 2, 3], batches.SelectMany(b => b).Select(r => r.Sequence));
        Assert.Equal(3, batches.SelectMany(b => b).Last().Data.GetProperty("value").GetInt64());
    }

    [Fact]
    public async Task The_catalog_has_the_same_names_and_values_on_both_protocols()
    {
        await using var json = await ConnectAsync(FeedHubProtocol.Json);
        await using var messagePack = await ConnectAsync(FeedHubProtocol.MessagePack);

        var overJson = await json.InvokeAsync<JsonElement>("Catalog", TestTimeouts.TestToken());
        var overMessagePack = await messagePack.InvokeAsync<JsonElement>("Catalog", TestTimeouts.TestToken());

        Assert.Equal(overJson.GetRawText(), overMessagePack.GetRawText());
        Assert.Contains("\"name\":\"fast\"", overMessagePack.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_refused_request_is_a_HubException_that_names_the_feed(FeedHubProtocol protocol)
    {
        await using var connection = await ConnectAsync(protocol);

        var thrown = await Assert.ThrowsAsync<HubException>(() =>
            connection.StreamAsync<FeedRecord>("StreamWith", new[] { "nope" }, new HubStreamOptions(), TestTimeouts.TestToken()).TakeAsync(1));

        Assert.Contains("'nope'", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Closing_the_connection_stops_the_stream_producers(FeedHubProtocol protocol)
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        var stats = app.Services.GetRequiredService<StreamStats>();
        var connection = await ConnectAsync(protocol, app);
        // Left open: disposing the enumerator would cancel the call itself, before the connection closes.
        var items = connection.StreamAsync<FeedRecord>("Stream", new[] { "fast" }, TestTimeouts.TestToken()).GetAsyncEnumerator();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await items.MoveNextAsync());
        }

        Assert.Equal(1, stats.ActiveProducers.Current);
        await connection.DisposeAsync();

        await stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public void An_item_is_a_map_with_a_timestamp_and_its_data_as_native_values()
    {
        var at = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.FromHours(2));
        var item = new FeedItem<object>("f", 7, at, JsonDocument.Parse("""{"n":1.5,"big":18446744073709551615,"list":[true,null,"é"]}""").RootElement);

        var bytes = MessagePackSerializer.Serialize(item, FeedHubMessagePack.ServerOptions(null));
        var map = MessagePackSerializer.Deserialize<Dictionary<object, object?>>(bytes, MessagePackSerializerOptions.Standard);

        Assert.Equal(["feed", "seq", "ts", "data"], map.Keys);
        Assert.Equal(("f", 7UL), (map["feed"], Convert.ToUInt64(map["seq"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(at.UtcDateTime, map["ts"]);
        var data = Assert.IsType<Dictionary<object, object?>>(map["data"]);
        Assert.Equal(1.5, data["n"]);
        Assert.Equal(ulong.MaxValue, data["big"]);
        Assert.Equal([true, null, "é"], Assert.IsType<object?[]>(data["list"]));
    }

    [Fact]
    public void Numbers_keep_their_value_and_a_number_no_double_holds_travels_as_its_text()
    {
        var options = FeedHubMessagePack.ClientOptions;
        var data = JsonDocument.Parse("""{"whole":-7,"big":18446744073709551615,"half":1.5,"huge":1e400}""").RootElement;

        var back = MessagePackSerializer.Deserialize<JsonElement>(MessagePackSerializer.Serialize(data, options), options);

        Assert.Equal(-7, back.GetProperty("whole").GetInt64());
        Assert.Equal(ulong.MaxValue, back.GetProperty("big").GetUInt64());
        Assert.Equal(1.5, back.GetProperty("half").GetDouble());
        Assert.Equal("1e400", back.GetProperty("huge").GetString());
    }

    [Fact]
    public void Untrusted_MessagePack_nested_too_deep_or_with_infinities_is_refused_with_a_reason()
    {
        var deep = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(deep);
        for (var i = 0; i < 100; i++)
        {
            writer.WriteArrayHeader(1);
        }

        writer.WriteNil();
        writer.Flush();
        var infinite = new System.Buffers.ArrayBufferWriter<byte>();
        var other = new MessagePackWriter(infinite);
        other.Write(double.PositiveInfinity);
        other.Flush();

        var tooDeep = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<HubStreamOptions>(deep.WrittenMemory, FeedHubMessagePack.ClientOptions));
        var notANumber = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<JsonElement>(infinite.WrittenMemory, FeedHubMessagePack.ClientOptions));

        Assert.Contains("nested deeper than 64", Messages(tooDeep), StringComparison.Ordinal);
        Assert.Contains("no JSON equivalent", Messages(notANumber), StringComparison.Ordinal);
    }

    [Fact]
    public void A_shared_item_reads_as_an_unshared_one_every_time_it_is_written()
    {
        var formatter = FeedHubMessagePack.ServerOptions(null);
        var unshared = new FeedItem<object>("f", 1, DateTimeOffset.UnixEpoch, new Dictionary<string, int> { ["value"] = 1 }) { Epoch = "e1" };
        var shared = unshared with { };
        shared = shared with { RecordJson = new byte[] { (byte)'{', (byte)'}' } };

        var first = MessagePackSerializer.Serialize(shared, formatter);
        var again = MessagePackSerializer.Serialize(shared, formatter);

        Assert.Equal(MessagePackSerializer.Serialize(unshared, formatter), first);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Json_and_MessagePack_convert_value_for_value_and_refuse_nesting_too_deep()
    {
        const string json = """{"a":[1,-2,3.25,"x",false,null,{"b":{}}],"c":9223372036854775807,"d":"\u0001é"}""";
        var options = FeedHubMessagePack.ClientOptions;

        var bytes = MessagePackSerializer.Serialize(JsonDocument.Parse(json).RootElement, options);
        var back = MessagePackSerializer.Deserialize<JsonElement>(bytes, options);

        // Written again by one writer, so that escaping (é or \u00E9) does not count.
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement), JsonSerializer.Serialize(back));
        var deep = string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70));
        Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Serialize(JsonDocument.Parse(deep, new JsonDocumentOptions { MaxDepth = 100 }).RootElement, options));
    }

    private static string[] Shapes(IEnumerable<FeedRecord> records) =>
        [.. records.Select(r => $"{r.Feed} {r.Sequence} {r.Epoch} {r.Type} {r.Timestamp:O} {JsonSerializer.Serialize(r.Data)}")];

    private static string Messages(Exception error) => error.InnerException is { } inner ? $"{error.Message} {Messages(inner)}" : error.Message;

    private async Task<HubConnection> ConnectAsync(FeedHubProtocol protocol, LoopbackApp? app = null)
    {
        var connection = FeedHubConnection.Build(new Uri((app ?? fixture.App).BaseAddress, FeedHub.Path), protocol: protocol);
        await connection.StartAsync(TestTimeouts.TestToken());
        return connection;
    }
}
