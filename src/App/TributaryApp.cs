using Tributary.App.Dashboard;
using Tributary.App.Endpoints;
using Tributary.App.Endpoints.Publishing;
using Tributary.App.Feeds;
using Tributary.App.Hubs;
using Tributary.App.Mercure;
using Tributary.App.Operations;
using Tributary.App.Streams;
using Tributary.App.Security;

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
        // Serve package assets (MudBlazor's CSS and JS) from the build output in every environment, not only
        // Development; published output has no manifest and serves them from wwwroot, so this is a no-op there.
        builder.WebHost.UseStaticWebAssets();
        configure?.Invoke(builder);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddSecurity();
        builder.Services.AddFeeds();
        builder.Services.AddStreamGate();
        builder.Services.AddStreamApi();
        builder.Services.AddExportApi();
        builder.Services.AddFeedHub();
        builder.Services.AddMercureHub();
        builder.Services.AddDashboard();
        builder.Services.AddOperations(builder.Configuration);

        var app = builder.Build();
        app.UseMiddleware<ServerStoppingGate>();
        if (!app.Environment.IsDevelopment())
        {
            // Answers unhandled errors with application/problem+json (AddProblemDetails in AddStreamApi).
            app.UseExceptionHandler();
        }

        app.UseApiStatusProblems();
        app.UseDashboardNotFound();
        // After the status pages: re-executing a 404 as the not-found page must route it again.
        app.UseRouting();
        // Only the Mercure hub has a CORS policy; every other endpoint stays same-origin.
        app.UseCors();
        app.UseSecurity();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapSignOut();
        app.MapStreamApi();
        app.MapExportApi();
        app.MapPublishApi();
        app.MapFeedHub();
        app.MapMercureHub();
        app.MapOperations();
        // Render batches go uncompressed: deflating twenty batches a second per circuit cost more CPU than
        // anything else the dashboard does (docs/PERFORMANCE.md); the bytes saved matter less than the CPU.
        app.MapRazorComponents<Dashboard.App>().AddInteractiveServerRenderMode(options => options.DisableWebSocketCompression = true);
        return app;
    }
}
