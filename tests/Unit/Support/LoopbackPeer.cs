using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tributary.Streaming.Diagnostics;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// A real upstream for tests: Kestrel on a free loopback port. Each WebSocket, SSE or NDJSON connection is
/// handed to a script the test supplies; the peer counts connections and those still open.
/// </summary>
public sealed class LoopbackPeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    private LoopbackPeer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections open now; tests wait on it to see an upstream connection closed.</summary>
    public ActivityGauge Open { get; } = new();

    public List<string?> LastEventIds { get; } = [];

    /// <summary>What the WebSocket peer does with connection number n (from 1).</summary>
    public Func<int, WebSocket, CancellationToken, Task>? WebSocketScript { get; set; }

    /// <summary>What the HTTP peer writes to the body of connection number n (from 1), after a 200.</summary>
    public Func<int, HttpResponse, CancellationToken, Task>? HttpScript { get; set; }

    /// <summary>Answers connection number n (from 1) entirely, status and headers too; replaces <see cref="HttpScript"/>.</summary>
    public Func<int, HttpContext, Task>? HttpHandler { get; set; }

    public static async Task<LoopbackPeer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var peer = new LoopbackPeer(app);
        app.UseWebSockets();
        app.Map("/ws", peer.AcceptWebSocketAsync);
        app.MapGet("/http", peer.ServeHttpAsync);
        app.MapGet("/http/{*rest}", peer.ServeHttpAsync);
        await app.StartAsync();
        peer.BaseAddress = new Uri(app.Urls.Single());
        return peer;
    }

    /// <summary>A loopback port nothing listens on: connecting to it is refused.</summary>
    public static int ClosedPort() => LoopbackPort.Free();

    public Uri WebSocketUrl => new($"ws://{BaseAddress.Authority}/ws");

    public Uri HttpUrl => new(BaseAddress, "/http");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static Task SendTextAsync(WebSocket socket, string text, CancellationToken token) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, token);

    /// <summary>Waits until the client closes or aborts the socket.</summary>
    public static async Task WaitForCloseAsync(WebSocket socket, CancellationToken token)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (WebSocketException)
        {
            // Aborted by the client: that is a close too.
        }
    }

    private async Task AcceptWebSocketAsync(HttpContext context)
    {
        var socket = await context.WebSockets.AcceptWebSocketAsync();
        var number = Interlocked.Increment(ref _connections);
        Open.Increment();
        try
        {
            await (WebSocketScript ?? ((_, s, t) => WaitForCloseAsync(s, t)))(number, socket, context.RequestAborted);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            Open.Decrement();
        }
    }

    private async Task ServeHttpAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _connections);
        Open.Increment();
        lock (LastEventIds)
        {
            LastEventIds.Add(context.Request.Headers["Last-Event-ID"].FirstOrDefault());
        }

        try
        {
            if (HttpHandler is { } handler)
            {
                await handler(number, context);
                return;
            }

            // Headers go out now, as a real server's would: a script that writes nothing is a silent upstream.
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await (HttpScript ?? ((_, _, t) => Task.Delay(Timeout.Infinite, t)))(number, context.Response, context.RequestAborted);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            Open.Decrement();
        }
    }
}
