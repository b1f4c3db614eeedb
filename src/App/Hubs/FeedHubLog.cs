using Tributary.App.Feeds;

namespace Tributary.App.Hubs;

/// <summary>Log messages of the feed hub. Event ids are stable; a retired id stays here as a comment.</summary>
/// <remarks>
/// SignalR's dispatcher logs every exception that ends a stream or an invocation at Error, with no way to
/// tell a feed failure (logged here with its detail) or a client's bad input from a server fault; so its
/// category is held to Critical (<see cref="FeedHubServices"/>) and these events, with <see cref="FeedHubFilter"/>,
/// say each thing once, at the level it deserves.
/// </remarks>
internal static partial class FeedHubLog
{
    [LoggerMessage(101, LogLevel.Error, "Feed '{Feed}' failed; the hub stream of connection {ConnectionId} was ended with an error.")]
    public static partial void FeedFailed(ILogger logger, string feed, string connectionId, Exception? failure);

    // 102 (stream ended): retired for StreamLog 702, stream closed, with its reason.

    [LoggerMessage(103, LogLevel.Warning, "A hub reader of feed '{Feed}' on connection {ConnectionId} fell behind and was disconnected (DisconnectSlowConsumer).")]
    public static partial void ReaderFellBehind(ILogger logger, string feed, string connectionId);

    [LoggerMessage(104, LogLevel.Debug, "Feed '{Feed}' failed (logged where it failed); the hub stream of connection {ConnectionId} was ended with an error.")]
    public static partial void EndedByLoggedFailure(ILogger logger, string feed, string connectionId);

    [LoggerMessage(105, LogLevel.Error, "The hub stream of connection {ConnectionId} failed.")]
    public static partial void StreamFailed(ILogger logger, string connectionId, Exception failure);

    [LoggerMessage(106, LogLevel.Debug, "Refused hub call {Method} on connection {ConnectionId}: {Reason}")]
    public static partial void InvocationRefused(ILogger logger, string method, string connectionId, string reason);

    [LoggerMessage(107, LogLevel.Error, "Hub call {Method} on connection {ConnectionId} failed.")]
    public static partial void InvocationFailed(ILogger logger, string method, string connectionId, Exception failure);

    [LoggerMessage(108, LogLevel.Information, "Refused a hub stream on connection {ConnectionId}: the {Scope} already holds {Limit} streams.")]
    public static partial void TooManyStreams(ILogger logger, string connectionId, string scope, int limit);

    // 109 (ended by shutdown) and 110 (access ended): retired for StreamLog 702, stream closed, with its reason.

    /// <summary>Logs a feed failure that ends a hub stream, once and at the level it deserves.</summary>
    public static void StreamEndedByFailure(ILogger logger, FeedFailedException failure, string connectionId)
    {
        if (failure.ReaderFellBehind)
        {
            ReaderFellBehind(logger, failure.Feed, connectionId);
        }
        else if (failure.FailureLogged)
        {
            EndedByLoggedFailure(logger, failure.Feed, connectionId);
        }
        else
        {
            FeedFailed(logger, failure.Feed, connectionId, failure.InnerException);
        }
    }
}
