using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Tributary.App.Dashboard.Client;

/// <summary>
/// The feed server the dashboard talks to: <see cref="DashboardOptions.FeedServerUrl"/>, or else this app's
/// own first listening address (with a wildcard host replaced by localhost).
/// </summary>
public sealed class FeedServerAddress(IOptions<DashboardOptions> options, IServer server)
{
    public Uri BaseUrl => Resolve();

    public Uri HubUrl => new(BaseUrl, Hubs.FeedHub.Path);

    /// <summary>The feed server is this app itself (no <see cref="DashboardOptions.FeedServerUrl"/>): it can read this app's tickets.</summary>
    public bool IsThisApp => string.IsNullOrWhiteSpace(options.Value.FeedServerUrl);

    private Uri Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.FeedServerUrl))
        {
            return new Uri(options.Value.FeedServerUrl);
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no listening address yet; set Dashboard:FeedServerUrl.");
        var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "localhost";
        }

        return builder.Uri;
    }
}
