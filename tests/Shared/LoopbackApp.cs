using Microsoft.AspNetCore.Builder;
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

    private LoopbackApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<LoopbackApp> StartAsync(CancellationToken cancellationToken = default)
    {
        var app = TributaryApp.Create(new WebApplicationOptions
        {
            // The entry assembly is the test host; name the app so its static web assets manifest is found.
            ApplicationName = "Tributary.App",
            ContentRootPath = FindAppDirectory(),
            EnvironmentName = Environments.Development,
            Args = ["--urls=http://127.0.0.1:0"],
        });
        await app.StartAsync(cancellationToken);
        return new LoopbackApp(app, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string FindAppDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tributary.sln")))
            {
                return Path.Combine(dir.FullName, "src", "App");
            }
        }

        throw new InvalidOperationException($"Tributary.sln was not found above {AppContext.BaseDirectory}.");
    }
}
