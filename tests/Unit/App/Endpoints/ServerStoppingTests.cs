using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tributary.App.Hubs;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

/// <summary>
/// Between <c>ApplicationStopping</c> and Kestrel closing its listener the server still accepts connections.
/// A client that reconnects at once (SignalR's first retry has no delay) must be turned away there, or the
/// stop waits for that new connection until the host's shutdown timeout.
/// </summary>
public sealed class ServerStoppingTests
{
    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData("/api/stream?feeds=fast")]
    [InlineData(FeedHub.Path + "/negotiate?negotiateVersion=1")]
    [InlineData("/")]
    public async Task A_request_that_arrives_while_the_server_stops_gets_503_with_Retry_After(string path)
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:RetryAfterSeconds", "3")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var hold = HoldStopping(app);
        var stopping = Task.Run(app.StopAsync);
        await hold.Entered.Task.DefaultTimeout();

        HttpResponseMessage response;
        string body;
        try
        {
            using var request = new HttpRequestMessage(path.Contains("negotiate", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, new Uri(path, UriKind.Relative));
            response = await client.SendAsync(request, TestTimeouts.TestToken());
            body = await response.Content.ReadAsStringAsync(TestTimeouts.TestToken());
        }
        finally
        {
            hold.Release.TrySetResult();
        }

        await stopping.DefaultTimeout();
        using var disposeResponse = response;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.MediaType());
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.True(response.Headers.ConnectionClose);
        Assert.Contains("shutting down", body, StringComparison.Ordinal);
    }

    // ApplicationStopping callbacks run on the thread that stops the host, before the web server stops
    // listening: blocking one holds the window open.
    private static (TaskCompletionSource Entered, TaskCompletionSource Release) HoldStopping(LoopbackApp app)
    {
        var entered = TestTimeouts.NewSignal();
        var release = TestTimeouts.NewSignal();
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            entered.TrySetResult();
            release.Task.Wait(TestTimeouts.Hang);
        });
        return (entered, release);
    }
}
