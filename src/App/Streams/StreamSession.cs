using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Security;
using Tributary.Streaming.Records;

namespace Tributary.App.Streams;

/// <summary>
/// One admitted stream, from <see cref="StreamGate.TryOpen"/> until its entry point disposes it: its place under the
/// per-client limit, its activity (counts, span, the stream-closed log line), its access lease, and one token that
/// fires when the client leaves, the server stops, the caller's access to a feed ends or the maximum duration
/// passes. <see cref="End"/> decides, once, how it ended.
/// </summary>
public sealed class StreamSession : IDisposable
{
    private readonly IDisposable? _clientLease;
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationToken _stopping;
    private readonly TimeSpan? _maxDuration;
    private readonly ILogger _logger;
    private readonly CancellationToken _clientGone;

    internal StreamSession(IDisposable? clientLease, StreamActivity activity, AccessLease access, TimeSpan? maxDuration, ILogger logger, CancellationToken stopping, CancellationToken clientGone)
    {
        _clientLease = clientLease;
        Activity = activity;
        Access = access;
        _stopping = stopping;
        _maxDuration = maxDuration;
        _logger = logger;
        _clientGone = clientGone;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(clientGone, stopping, access.Token);
        if (maxDuration is { } max)
        {
            _lifetime.CancelAfter(max);
        }
    }

    /// <summary>Fires when the stream must stop, for whichever reason; its producers stop with it.</summary>
    public CancellationToken Token => _lifetime.Token;

    public StreamActivity Activity { get; }

    public AccessLease Access { get; }

    /// <summary>
    /// How the stream ended, given what ended its copy (null: it ran out of items). Null for a fault that is none of
    /// the stream's endings: the entry point lets it propagate. A feed's failure is logged here, once.
    /// </summary>
    public StreamEnding? End(Exception? error)
    {
        var ending = Decide(error);
        if (ending is not null)
        {
            Activity.End(ending.Reason);
        }

        return ending;
    }

    public void Dispose()
    {
        _lifetime.Dispose();
        Access.Dispose();
        // The activity writes the stream-closed line; the client's place is given back last, once the stream is gone.
        Activity.Dispose();
        _clientLease?.Dispose();
    }

    private StreamEnding? Decide(Exception? error)
    {
        if (error is null)
        {
            return StreamEnding.Completed;
        }

        if (_clientGone.IsCancellationRequested)
        {
            // The producers have stopped with the client; there is no one to tell.
            return StreamEnding.ClientLeft;
        }

        if (_stopping.IsCancellationRequested && (error is OperationCanceledException || error is FeedFailedException))
        {
            // A failure that surfaces while the server stops (a producer torn down mid-write) is part of the stop.
            return new StreamEnding(StreamEndReason.ServerStopping, FeedControlKind.Shutdown, null, "The server is shutting down; reconnect to resume.");
        }

        if (error is FeedFailedException failure)
        {
            // The client gets the feed's name and what happened, never the server's internals.
            StreamEndLog.EndedByFailure(_logger, failure);
            return new StreamEnding(StreamEndReason.Failed, FeedControlKind.Error, failure.Feed, failure.ClientMessage, failure.EngineUnavailable);
        }

        if (error is not OperationCanceledException || !_lifetime.IsCancellationRequested)
        {
            return null;
        }

        if (Access.Token.IsCancellationRequested)
        {
            return new StreamEnding(StreamEndReason.AccessEnded, FeedControlKind.Error, null, Access.Reason);
        }

        return new StreamEnding(StreamEndReason.MaxDuration, FeedControlKind.End, null, $"The stream reached its maximum duration of {_maxDuration}; reconnect to continue.");
    }
}
