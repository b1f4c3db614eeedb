using System.Net;
using System.Net.Sockets;
using Tributary.App.Security;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Security;

/// <summary>The per-client limit holds per real client behind a known proxy; excess connections are refused quickly.</summary>
public sealed class ProxyAndConnectionLimitTests
{
    [Fact]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_limit()
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerClient", "1"), ("ForwardedHeaders:KnownProxies:0", "127.0.0.1")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var token = TestTimeouts.TestToken();

        using var first = await client.OpenStreamAsync("/api/stream?feeds=idle", token, ("X-Forwarded-For", "203.0.113.5"));
        using var second = await client.OpenStreamAsync("/api/stream?feeds=idle", token, ("X-Forwarded-For", "203.0.113.6"));
        using var again = await client.OpenStreamAsync("/api/stream?feeds=idle", token, ("X-Forwarded-For", "203.0.113.5"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unconfigured_proxy_are_ignored()
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerClient", "1")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var token = TestTimeouts.TestToken();

        using var first = await client.OpenStreamAsync("/api/stream?feeds=idle", token, ("X-Forwarded-For", "203.0.113.5"));
        using var spoofed = await client.OpenStreamAsync("/api/stream?feeds=idle", token, ("X-Forwarded-For", "203.0.113.6"));

        Assert.Equal(HttpStatusCode.TooManyRequests, spoofed.StatusCode);
    }

    [Fact]
    public async Task Connections_beyond_the_cap_are_closed_at_once_and_the_rest_keep_being_answered()
    {
        const int cap = 8;
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Kestrel:Limits:MaxConcurrentConnections", cap.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var token = TestTimeouts.TestToken();
        (await client.GetAsync("/api/feeds", token)).Dispose(); // the client's keep-alive connection holds one slot

        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < cap + 6; i++)
            {
                var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, app.BaseAddress.Port, token);
                idle.Add(socket);
            }

            // The excess sockets are closed by the server without a request: a read sees the end at once. Those within
            // the cap stay open (until the header timeout), so the reads are bounded together.
            using var quick = CancellationTokenSource.CreateLinkedTokenSource(token);
            quick.CancelAfter(TimeSpan.FromSeconds(1));
            var closed = (await Task.WhenAll(idle.Select(socket => IsClosedAsync(socket, quick.Token)))).Count(c => c);

            using var answered = await client.GetAsync("/api/feeds", token);

            Assert.True(closed >= 6, $"expected the 6 connections beyond the cap to be closed, saw {closed}");
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    private static async Task<bool> IsClosedAsync(TcpClient socket, CancellationToken token)
    {
        try
        {
            return await socket.GetStream().ReadAsync(new byte[1], token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Theory]
    [InlineData(1024, 738, 184)]
    [InlineData(20000, 14400, 3600)]
    public void Caps_are_derived_from_the_open_file_limit(long files, long connections, long upgraded)
    {
        Assert.Equal((connections, upgraded), ConnectionLimits.Derive(files));
    }
}
