using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// An app whose catalog adds: <c>wsfeed</c> (a shared WebSocket upstream on a loopback peer that ticks every
/// 20 ms), <c>ticks</c> (a shared counter at 200/s that lingers an hour), <c>headlines</c> (shared news with
/// CSV-hostile headlines), and an export directory with a file, an inside link and an escaping link.
/// </summary>
public sealed class SharingFixture : IAsyncLifetime
{
    private LoopbackApp? _app;

    public LoopbackPeer Peer { get; private set; } = null!;

    public LoopbackApp App => _app!;

    public DirectoryInfo ExportDirectory { get; } = Directory.CreateTempSubdirectory("tributary-exports-");

    public StreamStats Stats => App.Services.GetRequiredService<StreamStats>();

    public HttpClient NewClient() => new() { BaseAddress = App.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    public async Task InitializeAsync()
    {
        Peer = await LoopbackPeer.StartAsync();
        Peer.WebSocketScript = async (_, socket, token) =>
        {
            for (var n = 1; socket.State == WebSocketState.Open; n++)
            {
                await LoopbackPeer.SendTextAsync(socket, $$"""{"tick":{{n}}}""", token);
                await Task.Delay(20, token);
            }
        };
        File.WriteAllText(Path.Combine(ExportDirectory.FullName, "report.txt"), "0123456789abcdef");
        File.CreateSymbolicLink(Path.Combine(ExportDirectory.FullName, "inside-link.txt"), Path.Combine(ExportDirectory.FullName, "report.txt"));
        File.CreateSymbolicLink(Path.Combine(ExportDirectory.FullName, "escape.txt"), typeof(object).Assembly.Location);

        _app = await LoopbackApp.StartAsync(new Dictionary<string, string?>
        {
            ["Feeds:100:Name"] = "wsfeed",
            ["Feeds:100:Kind"] = "websocket",
            ["Feeds:100:Url"] = Peer.WebSocketUrl.ToString(),
            ["Feeds:100:Linger"] = "00:00:00",
            ["Feeds:101:Name"] = "ticks",
            ["Feeds:101:Kind"] = "counter",
            ["Feeds:101:Shared"] = "true",
            ["Feeds:101:Rate"] = "200",
            ["Feeds:101:Linger"] = "01:00:00",
            ["Feeds:102:Name"] = "headlines",
            ["Feeds:102:Kind"] = "news",
            ["Feeds:102:Rate"] = "1000",
            ["Feeds:102:Headlines:0"] = "Rain, then sun",
            ["Feeds:102:Headlines:1"] = "He said \"hi\"",
            ["Streaming:MaxStreamsPerClient"] = "200",
            ["Exports:Directory"] = ExportDirectory.FullName,
        });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await Peer.DisposeAsync();
        ExportDirectory.Delete(recursive: true);
    }
}
