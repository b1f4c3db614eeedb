using System.Net;
using System.Net.WebSockets;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Security;

/// <summary>Cross-site connections are refused; every response carries the security headers it should.</summary>
public sealed class OriginAndHeaderTests
{
    [Theory]
    [InlineData("/hubs/feeds/negotiate?negotiateVersion=1")]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    public async Task A_foreign_origin_cannot_open_hub_or_blazor_connections(string url)
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var foreign = await NegotiateAsync(client, url, "https://evil.example");
        using var same = await NegotiateAsync(client, url, app.BaseAddress.GetLeftPart(UriPartial.Authority));
        // Behind a proxy that terminates TLS, the browser's origin says https while the app sees http.
        using var proxied = await NegotiateAsync(client, url, "https://" + app.BaseAddress.Authority);

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("origin 'https://evil.example' are not accepted", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
    }

    [Fact]
    public async Task A_foreign_origin_cannot_open_a_hub_websocket_but_a_configured_one_can()
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Auth:AllowedOrigins:0", "https://ops.example.com")));
        var hub = new UriBuilder(app.BaseAddress) { Scheme = "ws", Path = "/hubs/feeds" }.Uri;

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(hub, "https://evil.example"));
        using var allowed = await ConnectAsync(hub, "https://ops.example.com");

        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, allowed.State);
    }

    [Fact]
    public async Task Pages_carry_a_csp_without_eval_no_framing_and_a_referrer_policy()
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var page = await client.GetAsync("/", TestTimeouts.TestToken());
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));

        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.DoesNotContain("<script type=\"importmap\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/feeds")]
    [InlineData("/api/stream?feeds=news&limit=1")]
    [InlineData("/api/nothing-here")]
    [InlineData("/app.css")]
    public async Task Every_response_says_nosniff(string url)
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var response = await client.GetAsync(url, TestTimeouts.TestToken());

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Files_are_downloads_that_cannot_run_as_this_site()
    {
        var exports = Directory.CreateTempSubdirectory("tributary-files-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(exports, "page.html"), "<script>alert(document.cookie)</script>");
            await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Exports:Directory", exports)));
            using var client = new HttpClient { BaseAddress = app.BaseAddress };

            using var response = await client.GetAsync("/api/files/page.html", TestTimeouts.TestToken());

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("page.html", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
            Assert.Contains("sandbox", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(exports, recursive: true);
        }
    }

    [Fact]
    public async Task Https_behind_a_known_proxy_gets_hsts()
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("ForwardedHeaders:KnownProxies:0", "127.0.0.1")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/feeds");
        request.Headers.Host = "feeds.example.com";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        using var response = await client.SendAsync(request, TestTimeouts.TestToken());
        using var plain = await client.GetAsync("/api/feeds", TestTimeouts.TestToken());

        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    private static Task<HttpResponseMessage> NegotiateAsync(HttpClient client, string url, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("Origin", origin);
        return client.SendAsync(request, TestTimeouts.TestToken());
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri hub, string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        try
        {
            await socket.ConnectAsync(hub, TestTimeouts.TestToken());
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
