using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Tributary.App;

namespace Tributary.Tests.Hosting;

/// <summary>
/// The real app composition (<see cref="TributaryApp.Create"/>) on Kestrel, bound to a free port on
/// 127.0.0.1, with src/App as its content root, as <c>dotnet run --project src/App</c> would have it.
/// </summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private LoopbackApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="settings">
    /// Configuration to lay over appsettings.json, e.g. <c>["Feeds:10:Name"] = "idle"</c>; <c>["urls"]</c> binds
    /// another address (a test restarting the app on the port it had).
    /// </param>
    /// <param name="configure">Extra registrations, e.g. a logger provider that collects messages.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<LoopbackApp> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var app = Create(settings, configure);
        await app.StartAsync(cancellationToken);
        return new LoopbackApp(app, new Uri(app.Urls.Single()));
    }

    /// <summary>Builds the app without starting it, for tests of start-up itself.</summary>
    public static WebApplication Create(IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null) =>
        TributaryApp.Create(new WebApplicationOptions
        {
            // The entry assembly is the test host; name the app so its static web assets manifest is found.
            ApplicationName = "Tributary.App",
            ContentRootPath = Path.Combine(RepositoryRoot.Find(), "src", "App"),
            EnvironmentName = Environments.Development,
            Args = ["--urls=http://127.0.0.1:0"],
        },
        builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            configure?.Invoke(builder);
        });

    /// <summary>Stops the app as a host shutdown would, leaving open streams to end themselves.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Stops and disposes the app; again is a no-op (a test may stop it early to flush what it exports).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
