using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tributary.Load;

/// <summary>
/// A hostile upstream on 127.0.0.1: one path per fault, each counting the connections it gets. bench/faults.sh
/// points the app's fault feeds at it; the app connects only when a reader arrives.
/// </summary>
internal sealed class FaultUpstream : IAsyncDisposable
{
    /// <summary>How fast the no-newline faults send: 2 MB/s, in 64 KiB writes.</summary>
    private const int BytesPerSecond = 2_000_000;
    private const int WriteBytes = 64 * 1024;

    private readonly WebApplication _app;

    private FaultUpstream(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, int> Connections { get; } = new();

    public static async Task<FaultUpstream> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new FaultUpstream(app);
        app.Use((context, next) =>
        {
            upstream.Connections.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            return next(context);
        });
        app.MapGet("/noline", context => NoNewlineAsync(context, ""));
        app.MapGet("/sse-noline", context => NoNewlineAsync(context, "data: "));
        app.MapGet("/retry0", context => context.Response.WriteAsync("retry: 0\ndata: hello\n\n"));
        app.MapGet("/redirect", context =>
        {
            context.Response.Redirect("/target");
            return Task.CompletedTask;
        });
        app.MapGet("/target", context => context.Response.WriteAsync("{\"leaked\":\"redirect target\"}\n"));
        app.MapGet("/secret", context => context.Response.WriteAsync("{\"n\":1}\n"));
        app.MapGet("/silent", async context =>
        {
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        await app.StartAsync();
        return upstream;
    }

    public int ConnectionsTo(string path) => Connections.TryGetValue(path, out var n) ? n : 0;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task NoNewlineAsync(HttpContext context, string prefix)
    {
        var chunk = new byte[WriteBytes];
        Array.Fill(chunk, (byte)'x');
        await context.Response.WriteAsync(prefix, context.RequestAborted);
        var pause = TimeSpan.FromSeconds((double)WriteBytes / BytesPerSecond);
        try
        {
            while (true)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(pause, context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The app hung up: the end of this fault.
        }
    }
}
