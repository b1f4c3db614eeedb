using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// The app on a loopback port, with the shipped catalog plus feeds made for tests:
/// <c>fast</c> (a counter with no pacing), <c>idle</c> (one item now, the next in 1000 s) and
/// <c>broken</c> (fails after 3 items), and a 200 ms SSE heartbeat.
/// </summary>
public sealed class StreamApiFixture : IAsyncLifetime
{
    private LoopbackApp? _app;

    public LoopbackApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    public StreamStats Stats => App.Services.GetRequiredService<StreamStats>();

    public static Dictionary<string, string?> TestSettings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Feeds:100:Name"] = "fast",
            ["Feeds:100:Kind"] = "counter",
            ["Feeds:100:Rate"] = "0",
            ["Feeds:101:Name"] = "idle",
            ["Feeds:101:Kind"] = "counter",
            ["Feeds:101:Rate"] = "0.001",
            ["Feeds:102:Name"] = "broken",
            ["Feeds:102:Kind"] = "counter",
            ["Feeds:102:Rate"] = "0",
            ["Feeds:102:FailAfter"] = "3",
            ["Streaming:HeartbeatInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public HttpClient NewClient() => new() { BaseAddress = App.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    public async Task InitializeAsync() => _app = await LoopbackApp.StartAsync(TestSettings());

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
