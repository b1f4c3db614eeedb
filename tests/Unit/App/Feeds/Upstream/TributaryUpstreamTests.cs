using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Upstream;

public sealed class TributaryUpstreamTests
{
    [Fact]
    public async Task Another_Tributarys_stream_works_as_an_ndjson_upstream()
    {
        var token = TestTimeouts.TestToken();
        await using var origin = await LoopbackApp.StartAsync();
        await using var relay = await LoopbackApp.StartAsync(new Dictionary<string, string?>
        {
            ["Feeds:100:Name"] = "relayed",
            ["Feeds:100:Kind"] = "ndjson",
            ["Feeds:100:Url"] = new Uri(origin.BaseAddress, "/api/stream?feeds=counter&rate=100").ToString(),
        });
        using var client = new HttpClient { BaseAddress = relay.BaseAddress };

        using var response = await client.OpenStreamAsync("/api/stream?feeds=relayed&limit=4", token);
        using var reader = await response.BodyReaderAsync(token);
        var records = await reader.ReadNdjsonToEndAsync(token);

        Assert.Equal("connected", records[0].GetProperty("data").GetProperty("status").GetString());
        var relayed = records.Skip(1).Select(r => r.GetProperty("data")).ToList();
        Assert.All(relayed, r => Assert.Equal("counter", r.GetProperty("feed").GetString()));
        Assert.Equal([1L, 2, 3], relayed.Select(r => r.GetProperty("data").GetProperty("value").GetInt64()));
    }
}
