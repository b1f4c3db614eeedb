using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;
using Radzen;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.State;

namespace Tributary.App.Dashboard;

public static class DashboardServices
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section);
        services.AddOptions<CircuitOptions>().Configure<IOptions<DashboardOptions>>((circuit, dashboard) =>
            circuit.DisconnectedCircuitRetentionPeriod = dashboard.Value.DisconnectedCircuitRetention);
        services.AddScoped<CircuitHandler, CircuitTracker>();
        services.AddHttpClient();
        services.AddSingleton<FeedServerAddress>();
        services.AddScoped<IFeedClient, HubFeedClient>();
        services.AddScoped<DashboardSelection>();
        services.AddTransient<IRenderTicker, PeriodicRenderTicker>();
        services.AddRadzenComponents();
        services.AddRadzenCookieThemeService(options =>
        {
            options.Name = "TributaryTheme";
            options.Duration = TimeSpan.FromDays(365);
        });
        return services;
    }
}
