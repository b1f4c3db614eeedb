using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.Session;

namespace Tributary.App.Dashboard;

public static class DashboardServices
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section);
        services.AddOptions<CircuitOptions>().Configure<IOptions<DashboardOptions>>((circuit, dashboard) =>
            circuit.DisconnectedCircuitRetentionPeriod = dashboard.Value.DisconnectedCircuitRetention);
        services.AddScoped<CircuitHandler, CircuitTracker>();
        // The stats poll runs every 2 s per open tab; its request logs would drown everything else.
        services.AddHttpClient(nameof(HubFeedClient)).RemoveAllLoggers();
        services.AddSingleton<FeedServerAddress>();
        services.AddScoped<CircuitCredentials>();
        services.AddScoped<IFeedClient, HubFeedClient>();
        services.AddScoped<DashboardSession>();
        services.AddScoped<ThemeChoice>();
        services.AddTransient<IRenderTicker, PeriodicRenderTicker>();
        services.AddMudServices();
        return services;
    }

    /// <summary>
    /// An address that names no page answers 404 with the dashboard's own "no page here" page, not an empty body.
    /// The API keeps its problem+json answers (Operations/ApiStatusProblems).
    /// </summary>
    public static WebApplication UseDashboardNotFound(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(
            context => !Endpoints.ApiPaths.Contains(context.Request.Path),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        return app;
    }
}
