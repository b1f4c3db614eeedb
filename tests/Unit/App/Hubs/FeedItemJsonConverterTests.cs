using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tributary.App.Feeds.Kinds;
using Tributary.App.Feeds.Upstream;
using Tributary.App.Hubs;
using Tributary.Streaming.Formatting;
using Tributary.Streaming.Records;

namespace Tributary.Tests.Unit.App.Hubs;

public sealed class FeedItemJsonConverterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 8, 0, 1, 250, TimeSpan.FromHours(1));
    private static readonly JsonSerializerOptions Plain = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
    private static readonly JsonSerializerOptions Converted = new(Plain) { Converters = { new FeedItemJsonConverter() } };

    public static TheoryData<object?> Data => new() { new CounterTick(7), new { Headline = "Rain \"later\"" }, 21.5, null };

    [Theory]
    [MemberData(nameof(Data))]
    public void Hub_items_are_the_same_record_as_an_http_stream_writes(object? data)
    {
        var item = new FeedItem<object>("news", 12, At, data!);
        var http = new ArrayBufferWriter<byte>();
        new NdjsonFormatter(Plain).WriteItem(item, http);

        Assert.Equal(Encoding.UTF8.GetString(http.WrittenSpan).TrimEnd('\n'), JsonSerializer.Serialize(item, Converted));
    }

    [Fact]
    public void Hub_items_write_an_items_encoded_data_as_given()
    {
        var item = new FeedItem<object>("news", 12, At, new CounterTick(7)) { DataJson = "{\"shared\":true}"u8.ToArray() };

        Assert.EndsWith(",\"data\":{\"shared\":true}}", JsonSerializer.Serialize(item, Converted), StringComparison.Ordinal);
    }

    [Fact]
    public void A_hub_item_reads_back_into_the_record_with_the_same_names()
    {
        var json = JsonSerializer.Serialize(new FeedItem<object>("news", 12, At, new CounterTick(7)), Converted);

        var read = JsonSerializer.Deserialize<FeedItem<JsonElement>>(json, Plain)!;

        Assert.Equal(("news", 12L, At), (read.Feed, read.Sequence, read.Timestamp));
        Assert.StartsWith("{\"feed\":\"news\",\"seq\":12,\"ts\":\"2026-11-21T07:00:01.25Z\",", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_control_record_says_its_type_beside_the_envelope_so_clients_need_not_guess_from_data()
    {
        var json = JsonSerializer.Serialize(new FeedItem<object>("news", 12, At, new FeedControl(FeedControlKind.Gap, "3 items were dropped", 3)), Converted);

        var read = JsonDocument.Parse(json).RootElement;

        Assert.Equal("gap", read.GetProperty("type").GetString());
        Assert.Equal(3, read.GetProperty("data").GetProperty("skipped").GetInt64());
    }

    [Fact]
    public void An_upstream_status_record_is_typed_status_and_a_data_record_has_no_type()
    {
        var status = JsonSerializer.Serialize(new FeedItem<object>("prices", 4, At, new UpstreamStatus(UpstreamStatus.Connected, "connected to example")), Converted);
        var data = JsonSerializer.Serialize(new FeedItem<object>("prices", 5, At, new { type = "trade" }), Converted);

        Assert.Equal("status", JsonDocument.Parse(status).RootElement.GetProperty("type").GetString());
        Assert.False(JsonDocument.Parse(data).RootElement.TryGetProperty("type", out _));
    }

    [Fact]
    public void Items_of_changing_data_types_each_get_their_own_contract()
    {
        var first = JsonSerializer.Serialize(new FeedItem<object>("a", 1, At, new CounterTick(1)), Converted);
        var second = JsonSerializer.Serialize(new FeedItem<object>("b", 1, At, "text"), Converted);
        var third = JsonSerializer.Serialize(new FeedItem<object>("a", 2, At, new CounterTick(2)), Converted);

        Assert.EndsWith("\"data\":{\"value\":1}}", first, StringComparison.Ordinal);
        Assert.EndsWith("\"data\":\"text\"}", second, StringComparison.Ordinal);
        Assert.EndsWith("\"data\":{\"value\":2}}", third, StringComparison.Ordinal);
    }
}
