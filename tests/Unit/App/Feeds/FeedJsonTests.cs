using System.Text.Json;
using Tributary.App.Feeds;
using Tributary.Streaming.Records;

namespace Tributary.Tests.Unit.App.Feeds;

public sealed class FeedJsonTests
{
    [Fact]
    public void Data_that_cannot_be_encoded_once_for_every_reader_is_left_to_each_readers_formatter()
    {
        Assert.True(FeedJson.Encode(null).IsEmpty);
        Assert.True(FeedJson.Encode(default(JsonElement)).IsEmpty);
        Assert.True(FeedJson.Encode(new FeedControl(FeedControlKind.Gap, "skipped")).IsEmpty);
        Assert.Equal("{\"value\":7}", System.Text.Encoding.UTF8.GetString(FeedJson.Encode(new Tributary.App.Feeds.Kinds.CounterTick(7)).Span));
    }

    [Fact]
    public void Control_records_go_through_the_compile_time_serializers_with_their_wire_type()
    {
        // The hub writes control records with these options, so a hub client sees the same "type" as an HTTP one.
        var json = JsonSerializer.Serialize<object>(new FeedControl(FeedControlKind.Gap, "3 skipped", 3), FeedJson.Options);

        Assert.Equal("""{"type":"gap","message":"3 skipped","skipped":3}""", json);
        Assert.Equal(FeedControlKind.Gap, JsonSerializer.Deserialize<FeedControl>(json, FeedJson.Options)!.Kind);
    }
}
