using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Hubs;

/// <summary>
/// Holds the server's stop, for at most <see cref="StreamingOptions.HubShutdownDrain"/>, until every hub stream
/// has sent its <c>shutdown</c> record and completed. SignalR cuts its connections off from its own
/// <c>ApplicationStopping</c> callback; callbacks run in reverse order of registration, so this one, registered
/// when the first hub stream starts (after SignalR's), runs first. The connections are then left to SignalR:
/// the only way a hub can close one, <c>Abort</c>, tells the client not to reconnect, and clients (the
/// dashboard among them) should reconnect to the next server.
/// </summary>
public sealed class HubShutdownDrain(IHostApplicationLifetime lifetime, StreamStats stats, IOptions<StreamingOptions> options)
{
    // A stream is counted until its iterator ends; SignalR writes its completion message just after, on the
    // same flow, which nothing here can observe. This covers that write; it is spent only at shutdown.
    private static readonly TimeSpan CompletionGrace = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private bool _registered;

    /// <summary>
    /// Registers the drain once. Returns only when it is registered, so a stream that registers its own
    /// <c>ApplicationStopping</c> callback afterwards is cancelled before the drain waits for it.
    /// </summary>
    public void EnsureRegistered()
    {
        lock (_gate)
        {
            // Once stopping, the callback would run here, inline, inside the stream that is starting.
            if (_registered || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }

            lifetime.ApplicationStopping.UnsafeRegister(_ => Drain(), null);
            _registered = true;
        }
    }

    // Runs on the thread that stops the app: blocking it is what holds the stop back.
    private void Drain()
    {
        var streams = stats.ActiveStreamsOf(FeedHub.Path);
        if (streams.Current > 0 && streams.WaitForAsync(0).Wait(options.Value.HubShutdownDrain))
        {
            Thread.Sleep(CompletionGrace);
        }
    }
}
