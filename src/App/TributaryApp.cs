namespace Tributary.App;

/// <summary>
/// Composes the web app. Program.cs runs it; the integration tests host the same composition on a
/// loopback port, so what they test is what ships.
/// </summary>
public static class TributaryApp
{
    public static WebApplication Create(WebApplicationOptions options)
    {
        var builder = WebApplication.CreateBuilder(options);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        var app = builder.Build();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
        return app;
    }
}
