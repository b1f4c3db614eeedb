using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;

namespace Tributary.App.Dashboard.Client;

/// <summary>
/// Connects a SignalR <c>HubConnection</c> straight over a WebSocket, without the negotiate call. The full
/// SignalR client package (which brings its own transports) is not available to us; the hub server accepts
/// a WebSocket connection at the hub's path directly, and this is all the client core needs.
/// </summary>
/// <param name="accessToken">Asked before every connection attempt (reconnects too); sent as a bearer token when it gives one.</param>
public sealed class WebSocketConnectionFactory(Func<Task<string?>>? accessToken = null) : IConnectionFactory
{
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not UriEndPoint { Uri: var uri })
        {
            throw new NotSupportedException($"Only a {nameof(UriEndPoint)} can be connected over a WebSocket, not {endpoint?.GetType().Name}.");
        }

        var socket = new ClientWebSocket();
        try
        {
            if (accessToken is not null && await accessToken() is { } token)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            }

            await socket.ConnectAsync(ToWebSocketUri(uri), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return WebSocketConnection.Start(socket);
    }

    internal static Uri ToWebSocketUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var builder = new UriBuilder(uri)
        {
            Scheme = uri.Scheme switch
            {
                "https" or "wss" => "wss",
                _ => "ws",
            },
        };
        return builder.Uri;
    }
}
