using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Tributary.Streaming.Diagnostics;

namespace Tributary.App.Hubs;

/// <summary>
/// The feed hub's open connections, so that a stopping server can close them itself, with SignalR's close
/// message, once their streams have ended (<see cref="HubShutdownDrain"/>), instead of having them cut off.
/// </summary>
public sealed class HubConnections
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new(StringComparer.Ordinal);

    /// <summary>Connections open now.</summary>
    public ActivityGauge Open { get; } = new();

    internal void Add(HubCallerContext connection)
    {
        if (_connections.TryAdd(connection.ConnectionId, connection))
        {
            Open.Increment();
        }
    }

    internal void Remove(string connectionId)
    {
        if (_connections.TryRemove(connectionId, out _))
        {
            Open.Decrement();
        }
    }

    /// <summary>Ends every connection: SignalR sends each client a close message and closes its transport.</summary>
    internal void CloseAll()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }
    }
}
