using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.Support;

/// <summary>One running app per test class, on a real loopback port.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    private LoopbackApp? _app;

    public LoopbackApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    public HttpClient NewClient() => new() { BaseAddress = App.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync() => _app = await LoopbackApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
