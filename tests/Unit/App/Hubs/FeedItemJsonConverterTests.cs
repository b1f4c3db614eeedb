using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tributary.App.Feeds.Kinds;
using Tributary.App.Hubs;
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
    public void Hub_items_are_written_exactly_as_the_serializer_would_write_them(object? data)
    {
        var item = new FeedItem<object>("news", 12, At, data!);
        Assert.Equal(JsonSerializer.Serialize(item, Plain), JsonSerializer.Serialize(item, Converted));
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
