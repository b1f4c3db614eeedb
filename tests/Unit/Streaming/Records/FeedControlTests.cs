using System.Text.Json;
using Tributary.Streaming.Records;

namespace Tributary.Tests.Unit.Streaming.Records;

public sealed class FeedControlTests
{
    [Fact]
    public void A_control_record_serializes_with_its_wire_type_first_and_no_enum_value()
    {
        // The hub sends control records through the serializer; clients switch on "type", as in every HTTP format.
        var json = JsonSerializer.Serialize(new FeedControl(FeedControlKind.Gap, "3 skipped", 3), JsonSerializerOptions.Web);

        Assert.Equal("""{"type":"gap","message":"3 skipped","skipped":3}""", json);
    }

    [Fact]
    public void An_unknown_kind_has_no_wire_name()
    {
        var control = new FeedControl((FeedControlKind)99, "?");

        Assert.Throws<ArgumentOutOfRangeException>(() => control.Type);
    }
}
