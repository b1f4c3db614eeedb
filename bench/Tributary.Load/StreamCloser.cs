using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tributary.Load;

/// <summary>
/// Opens many slow streams over plain sockets, closes them all at once, and times how long the server takes to
/// count them gone: from the first close until <c>/api/stats</c> reports no active streams or producers.
/// </summary>
internal static class StreamCloser
{
    private const int OpenAtOnce = 200;

    public static async Task<double> OpenAndCloseAsync(HttpClient http, Uri server, int streams, CancellationToken cancellationToken)
    {
        var sockets = new List<Socket>(streams);
        try
        {
            var request = Encoding.ASCII.GetBytes($"GET /api/stream?feeds=counter&rate=1 HTTP/1.1\r\nHost: {server.Authority}\r\n\r\n");
            for (var opened = 0; opened < streams; opened += OpenAtOnce)
            {
                var batch = Enumerable.Range(0, Math.Min(OpenAtOnce, streams - opened)).Select(_ => OpenAsync(server, request, cancellationToken));
                sockets.AddRange(await Task.WhenAll(batch));
            }

            await WaitForAsync(http, s => s.Streams >= streams, TimeSpan.FromSeconds(60), cancellationToken);
            var clock = Stopwatch.StartNew();
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            sockets.Clear();
            await WaitForAsync(http, s => s == (0, 0), TimeSpan.FromSeconds(60), cancellationToken);
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    private static async Task<Socket> OpenAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(server.Host), server.Port), cancellationToken);
        await socket.SendAsync(request, SocketFlags.None, cancellationToken);
        return socket;
    }

    private static async Task WaitForAsync(HttpClient http, Func<(long Streams, long Producers), bool> done, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!done(await StatsClient.ReadAsync(http, cancellationToken)))
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{http.BaseAddress}: the stream counts did not get there in {deadline.TotalSeconds:0} s.");
            }
        }
    }
}
