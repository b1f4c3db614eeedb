using System.Text.Json;
using Microsoft.Playwright;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.E2E;

/// <summary>
/// The SignalR JavaScript client in Chromium, as a user's own page would use it, over both hub protocols: the
/// records, arguments and refusals read the same, and MessagePack gives times as <c>Date</c> objects.
/// </summary>
public sealed class HubJavaScriptClientTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly string Scripts = Path.Combine(RepositoryRoot.Find(), "tests", "E2E", "js", "node_modules", "@microsoft");

    // Connects with the given protocol, streams, and gives back what the page saw: each item's fields and the
    // JavaScript type of its time (a Date only over MessagePack, which is how the test knows that protocol was
    // used), or the error's message.
    private const string StreamScript = """
        async ([protocol, method, args]) => {
            const builder = new signalR.HubConnectionBuilder()
                .withUrl('/hubs/feeds', { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true });
            if (protocol === 'messagepack') builder.withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol());
            const connection = builder.build();
            await connection.start();
            const seen = { items: [], error: null };
            try {
                await new Promise((resolve, reject) => connection.stream(method, ...args).subscribe({
                    next: item => seen.items.push({ feed: item.feed, seq: item.seq, data: item.data,
                        time: item.ts instanceof Date ? 'Date' : typeof item.ts, age: Date.now() - new Date(item.ts).getTime() }),
                    complete: resolve,
                    error: reject,
                }));
            } catch (error) {
                seen.error = error.message;
            }
            await connection.stop();
            return seen;
        }
        """;

    [Theory]
    [InlineData("messagepack", "Date")]
    [InlineData("json", "string")]
    public async Task The_javascript_client_streams_the_same_records_over_either_protocol(string protocol, string timeType)
    {
        var page = await OpenAsync();

        var seen = await page.EvaluateAsync<JsonElement>(StreamScript, new object[] { protocol, "StreamWith", new object[] { new[] { "counter" }, new { rate = 0, limit = 3 } } });

        Assert.Equal(JsonValueKind.Null, seen.GetProperty("error").ValueKind);
        var items = seen.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([1L, 2, 3], items.Select(i => i.GetProperty("seq").GetInt64()));
        Assert.All(items, i => Assert.Equal(("counter", timeType), (i.GetProperty("feed").GetString(), i.GetProperty("time").GetString())));
        // The time is the item's, in milliseconds since the epoch in UTC, whichever protocol carried it.
        Assert.All(items, i => Assert.InRange(i.GetProperty("age").GetDouble(), -1_000, 60_000));
        Assert.Equal(3, items[^1].GetProperty("data").GetProperty("value").GetInt64());
    }

    [Fact]
    public async Task A_refused_request_reaches_the_javascript_client_as_a_readable_error_over_MessagePack()
    {
        var page = await OpenAsync();

        var seen = await page.EvaluateAsync<JsonElement>(StreamScript, new object[] { "messagepack", "Stream", new object[] { new[] { "nope" } } });

        Assert.Contains("'nope'", seen.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(seen.GetProperty("items").EnumerateArray());
    }

    // Any page of the app gives the scripts its origin; the page's own policy is for the app's scripts, not these.
    private async Task<IPage> OpenAsync()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BypassCSP = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.BaseAddress, "/api/feeds").ToString());
        await page.AddScriptTagAsync(new() { Path = Path.Combine(Scripts, "signalr", "dist", "browser", "signalr.min.js") });
        await page.AddScriptTagAsync(new() { Path = Path.Combine(Scripts, "signalr-protocol-msgpack", "dist", "browser", "signalr-protocol-msgpack.min.js") });
        return page;
    }
}
