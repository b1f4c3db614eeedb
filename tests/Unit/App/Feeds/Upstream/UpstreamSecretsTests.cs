using Microsoft.AspNetCore.Http;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Upstream;

/// <summary>Credentials in a configured upstream address never reach a reader: not live, not in history, not in exports.</summary>
public sealed class UpstreamSecretsTests
{
    private static readonly string[] Secrets = ["hunter2", "topsecret"];

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Credentials_in_an_upstream_url_appear_in_no_stream_history_or_export()
    {
        await using var peer = await LoopbackPeer.StartAsync();
        peer.HttpScript = (_, response, token) => response.WriteAsync("{\"n\":1}\n", token);
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(
            ("Feeds:110:Name", "secretive"),
            ("Feeds:110:Kind", "ndjson"),
            ("Feeds:110:Url", $"http://reader:hunter2@127.0.0.1:{peer.BaseAddress.Port}/http?apikey=topsecret"),
            ("Feeds:111:Name", "refused"),
            ("Feeds:111:Kind", "ndjson"),
            ("Feeds:111:Url", $"http://reader:hunter2@127.0.0.1:{LoopbackPeer.ClosedPort()}/http?apikey=topsecret")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var token = TestTimeouts.TestToken();

        // Both feeds connect (or fail to) and disconnect at least once: every kind of status record is produced.
        var live = await client.GetStringAsync("/api/stream?feeds=secretive,refused&limit=8", token);
        var exports = await Task.WhenAll(
            client.GetStringAsync("/api/export/secretive.ndjson", token),
            client.GetStringAsync("/api/export/refused.ndjson", token));

        Assert.Contains("\"status\":\"connected\"", live, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"disconnected\"", live, StringComparison.Ordinal);
        Assert.All(exports, export => Assert.Contains("\"status\"", export, StringComparison.Ordinal));
        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, live + string.Concat(exports), StringComparison.Ordinal));
        Assert.DoesNotContain("refused (", live, StringComparison.Ordinal);
    }
}
