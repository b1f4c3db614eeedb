using System.Text.Json;
using Tributary.App.Feeds;
using Tributary.Streaming.Records;

namespace Tributary.Tests.Unit.App.Feeds;

public sealed class FeedJsonTests
{
    [Fact]
    public void Control_records_go_through_the_compile_time_serializers_with_their_wire_type()
    {
        // The hub writes control records with these options, so a hub client sees the same "type" as an HTTP one.
        var json = JsonSerializer.Serialize<object>(new FeedControl(FeedControlKind.Gap, "3 skipped", 3), FeedJson.Options);

        Assert.Equal("""{"type":"gap","message":"3 skipped","skipped":3}""", json);
        Assert.Equal(FeedControlKind.Gap, JsonSerializer.Deserialize<FeedControl>(json, FeedJson.Options)!.Kind);
    }
}
