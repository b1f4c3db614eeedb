using System.Net;
using System.Net.Sockets;

namespace Tributary.Tests.Hosting;

/// <summary>Loopback ports for servers a test starts itself.</summary>
public static class LoopbackPort
{
    /// <summary>A port free right now on 127.0.0.1 (the system's choice, released again at once).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
