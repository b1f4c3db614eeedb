using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Tributary.App.Dashboard.Client;

/// <summary>
/// How a .NET client connects to a feed hub: the SignalR client over WebSockets only, straight to the hub without the
/// negotiate round trip (a WebSocket is the only transport a server-side client needs, and it saves a request on
/// every connect and reconnect).
/// </summary>
public static class FeedHubConnection
{
    /// <param name="hubUrl">The hub's address, e.g. <c>http://127.0.0.1:5000/hubs/feeds</c> (http becomes ws).</param>
    /// <param name="configure">More builder settings, e.g. logging or reconnect policy.</param>
    /// <param name="accessToken">
    /// Asked before every connection attempt, reconnects included; what it gives is sent as a bearer token. Null or
    /// a null token: no credential.
    /// </param>
    public static HubConnection Build(Uri hubUrl, Action<IHubConnectionBuilder>? configure = null, Func<Task<string?>>? accessToken = null)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var builder = new HubConnectionBuilder().WithUrl(hubUrl, options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.AccessTokenProvider = accessToken;
        });
        configure?.Invoke(builder);
        return builder.Build();
    }
}
