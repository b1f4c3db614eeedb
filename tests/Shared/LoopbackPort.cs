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

    /// <summary>
    /// A free port below the system's ephemeral range, for a server that stops and starts again on the same port:
    /// servers that bind port 0 (every other test's) are never given it, so none can take it in between.
    /// </summary>
    public static int FreeOutsideEphemeralRange()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
        }

        throw new InvalidOperationException("No free loopback port between 20000 and 32000.");
    }
}
