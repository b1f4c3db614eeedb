using System.Text.Json;
using Tributary.App.Mercure;

namespace Tributary.Tests.Unit.App.Mercure;

public sealed class MercureUpdateTests
{
    [Fact]
    public void An_update_reads_back_as_it_was_kept()
    {
        var update = new MercureUpdate("urn:1", ["a", "b"], "line 1\nline 2", "book", "1500", Private: true);

        var read = MercureUpdate.From(JsonSerializer.Deserialize<JsonElement>(update.ToJson()));

        Assert.Equal(update with { Topics = [] }, read! with { Topics = [] });
        Assert.Equal(["a", "b"], read.Topics);
    }

    [Theory]
    [InlineData("""{"id":"a\r\nevent: forged","topics":["t"],"data":"x"}""")]
    [InlineData("""{"id":"a","topics":["t"],"data":"x","type":"t\ndata: forged"}""")]
    [InlineData("""{"id":"a","topics":["t"],"data":"x","retry":"1\n"}""")]
    [InlineData("""{"topics":["t"],"data":"x"}""")]
    [InlineData("""{"order":17}""")]
    public void An_item_the_hub_did_not_write_is_no_update_so_it_cannot_forge_events(string json)
    {
        Assert.Null(MercureUpdate.From(JsonSerializer.Deserialize<JsonElement>(json)));
    }
}
