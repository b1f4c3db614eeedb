using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Tributary.App.Dashboard.Client;

/// <summary>Builds a <see cref="HubConnection"/> to a feed hub over <see cref="WebSocketConnectionFactory"/>.</summary>
public static class FeedHubConnection
{
    /// <param name="hubUrl">The hub's address, e.g. <c>http://127.0.0.1:5000/hubs/feeds</c>.</param>
    /// <param name="configure">More builder settings, e.g. logging or reconnect policy.</param>
    /// <param name="accessToken">A bearer token for each connection attempt, when the hub requires one.</param>
    public static HubConnection Build(Uri hubUrl, Action<IHubConnectionBuilder>? configure = null, Func<Task<string?>>? accessToken = null)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var builder = new HubConnectionBuilder();
        builder.Services.AddSingleton<IConnectionFactory>(new WebSocketConnectionFactory(accessToken));
        builder.Services.AddSingleton<EndPoint>(new UriEndPoint(hubUrl));
        configure?.Invoke(builder);
        return builder.Build();
    }
}
