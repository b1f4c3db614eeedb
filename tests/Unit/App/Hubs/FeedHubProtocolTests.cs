using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Tributary.App.Dashboard.Client;
using Tributary.App.Hubs;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Hubs;

/// <summary>The feed hub over MessagePack beside JSON: the same records, arguments, refusals and teardown on both.</summary>
public sealed class FeedHubProtocolTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    public static TheoryData<FeedHubProtocol> Protocols => new() { FeedHubProtocol.MessagePack, FeedHubProtocol.Json };

    [Fact]
    public async Task Both_protocols_deliver_the_same_records()
    {
        var overJson = await ReadAsync(FeedHubProtocol.Json);
        var overMessagePack = await ReadAsync(FeedHubProtocol.MessagePack);

        Assert.Equal(Shapes(overJson), Shapes(overMessagePack));
        Assert.All(overMessagePack, r => Assert.Equal(TimeSpan.Zero, r.Timestamp.Offset));
        Assert.All(overMessagePack, r => Assert.InRange(r.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));

        static string[] Shapes(IEnumerable<FeedRecord> records) =>
            [.. records.Select(r => $"{r.Feed} {r.Sequence} {r.Epoch} {r.Type} {r.Data.GetRawText()}")];

        async Task<List<FeedRecord>> ReadAsync(FeedHubProtocol protocol)
        {
            await using var connection = await ConnectAsync(protocol);
            return await connection.StreamAsync<FeedRecord>("StreamWith", new[] { "fast" }, new HubStreamOptions(Limit: 5), TestTimeouts.TestToken()).TakeAsync(10);
        }
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
        var connection = await ConnectAsync(protocol);
        var received = await connection.StreamAsync<FeedRecord>("Stream", new[] { "fast" }, TestTimeouts.TestToken()).TakeAsync(10);

        await connection.DisposeAsync();

        Assert.Equal(10, received.Count);
        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
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

    private async Task<HubConnection> ConnectAsync(FeedHubProtocol protocol)
    {
        var connection = FeedHubConnection.Build(new Uri(fixture.App.BaseAddress, FeedHub.Path), protocol: protocol);
        await connection.StartAsync(TestTimeouts.TestToken());
        return connection;
    }
}
