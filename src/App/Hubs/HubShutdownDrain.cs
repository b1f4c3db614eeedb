using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Hubs;

/// <summary>
/// Holds the server's stop, for at most <see cref="StreamingOptions.HubShutdownDrain"/>, until every hub stream
/// has sent its <c>shutdown</c> record and completed, then closes the hub's connections cleanly. SignalR cuts
/// its connections off from its own <c>ApplicationStopping</c> callback; callbacks run in reverse order of
/// registration, so this one, registered when the first hub stream starts (after SignalR's), runs first.
/// </summary>
public sealed class HubShutdownDrain(IHostApplicationLifetime lifetime, StreamStats stats, HubConnections connections, IOptions<StreamingOptions> options)
{
    // A stream is counted until its iterator ends, and a connection until OnDisconnectedAsync; SignalR writes the
    // stream's completion, and the transport its close handshake, just after each. This covers those writes;
    // it is spent only at shutdown.
    private static readonly TimeSpan CompletionGrace = TimeSpan.FromMilliseconds(100);

    private int _registered;

    public void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            lifetime.ApplicationStopping.Register(Drain);
        }
    }

    // Runs on the thread that stops the app: blocking it is what holds the stop back.
    private void Drain()
    {
        var deadline = Task.Delay(options.Value.HubShutdownDrain);
        var streams = stats.ActiveStreamsOf(FeedHub.Path);
        if (streams.Current > 0 && Task.WhenAny(streams.WaitForAsync(0), deadline).Result == deadline)
        {
            return;
        }

        Thread.Sleep(CompletionGrace);
        connections.CloseAll();
        if (Task.WhenAny(connections.Open.WaitForAsync(0), deadline).Result != deadline)
        {
            Thread.Sleep(CompletionGrace);
        }
    }
}
