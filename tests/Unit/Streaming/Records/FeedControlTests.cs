using System.Text.Json;
using Tributary.Streaming.Records;

namespace Tributary.Tests.Unit.Streaming.Records;

public sealed class FeedControlTests
{
    [Theory]
    [InlineData(FeedControlKind.Gap, "gap")]
    [InlineData(FeedControlKind.Reset, "reset")]
    [InlineData(FeedControlKind.Error, "error")]
    [InlineData(FeedControlKind.Shutdown, "shutdown")]
    [InlineData(FeedControlKind.End, "end")]
    public void Each_kind_has_one_wire_name_in_json_and_in_Type(FeedControlKind kind, string name)
    {
        var control = new FeedControl(kind, "why");

        var json = JsonSerializer.Serialize(control, JsonSerializerOptions.Web);

        Assert.Equal(name, control.Type);
        // As every format writes it: a count or a reason only when there is one.
        Assert.Equal($$"""{"type":"{{name}}","message":"why"}""", json);
        Assert.Equal(control, JsonSerializer.Deserialize<FeedControl>(json, JsonSerializerOptions.Web));
    }

    [Fact]
    public void A_type_outside_the_closed_set_is_refused_when_read()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<FeedControl>("""{"type":"party","message":"?"}""", JsonSerializerOptions.Web));
    }

    [Fact]
    public void An_unknown_kind_has_no_wire_name()
    {
        var control = new FeedControl((FeedControlKind)99, "?");

        Assert.Throws<ArgumentOutOfRangeException>(() => control.Type);
    }
}
