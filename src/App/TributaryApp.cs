using Tributary.App.Dashboard;
using Tributary.App.Endpoints;
using Tributary.App.Feeds;
using Tributary.App.Hubs;

namespace Tributary.App;

/// <summary>
/// Composes the web app. Program.cs runs it; the integration tests host the same composition on a
/// loopback port, so what they test is what ships.
/// </summary>
public static class TributaryApp
{
    /// <param name="options">Arguments, content root and environment.</param>
    /// <param name="configure">Runs before the app's own registrations, e.g. for tests to add configuration.</param>
    public static WebApplication Create(WebApplicationOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(options);
        configure?.Invoke(builder);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFeedCatalog();
        builder.Services.AddStreamApi();
        builder.Services.AddExportApi();
        builder.Services.AddFeedHub();
        builder.Services.AddDashboard();

        var app = builder.Build();
        if (!app.Environment.IsDevelopment())
        {
            // Answers unhandled errors with application/problem+json (AddProblemDetails in AddStreamApi).
            app.UseExceptionHandler();
        }

        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapStreamApi();
        app.MapExportApi();
        app.MapFeedHub();
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
        return app;
    }
}
