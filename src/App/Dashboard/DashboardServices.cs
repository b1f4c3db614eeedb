using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;
using Radzen;
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
        services.AddTransient<IRenderTicker, PeriodicRenderTicker>();
        services.AddRadzenComponents();
        services.AddRadzenCookieThemeService(options =>
        {
            options.Name = DashboardTheme.Cookie;
            options.SameSite = CookieSameSiteMode.Strict;
            options.Duration = TimeSpan.FromDays(365);
        });
        return services;
    }
}
