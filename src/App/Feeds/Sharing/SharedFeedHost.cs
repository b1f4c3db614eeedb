using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// The task group an engine runs its shared feeds' producers (and its own background work) in, and the one way an
/// engine stops it: cancel, then wait for every child, within the host's stop timeout when the app stops, and to the
/// end when it is disposed.
/// </summary>
internal sealed class SharedFeedHost(ILogger logger) : IAsyncDisposable
{
    /// <summary>Where the producers run; cancelled when the engine stops.</summary>
    public TaskGroup Group { get; } = new();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Group.Cancel();
        await Group.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Group.Cancel();
        try
        {
            await Group.DisposeAsync();
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Shared producers report failures to their readers; nothing should reach here. Say so if it does.
            SharedFeedLog.FailedWhileStopping(logger, failure);
        }
    }
}
