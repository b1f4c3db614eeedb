using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Tributary.App.Hubs;

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
    /// <param name="protocol">MessagePack unless told otherwise; the records read the same either way.</param>
    public static HubConnection Build(Uri hubUrl, Action<IHubConnectionBuilder>? configure = null, Func<Task<string?>>? accessToken = null, FeedHubProtocol protocol = FeedHubProtocol.MessagePack)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var builder = new HubConnectionBuilder().WithUrl(hubUrl, options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.AccessTokenProvider = accessToken;
        });
        if (protocol == FeedHubProtocol.MessagePack)
        {
            // Replaces JSON: a client offers the server exactly one protocol.
            builder.AddMessagePackProtocol(options => options.SerializerOptions = FeedHubMessagePack.ClientOptions);
        }

        configure?.Invoke(builder);
        return builder.Build();
    }
}
