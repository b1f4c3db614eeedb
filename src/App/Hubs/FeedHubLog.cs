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
    // 101 (feed failed), 103 (reader fell behind) and 104 (failure logged where it failed): retired for the stream
    // gate's 1, 6 and 7, the same for every entry point.
    [LoggerMessage(105, LogLevel.Error, "The hub stream of connection {ConnectionId} failed.")]
    public static partial void StreamFailed(ILogger logger, string connectionId, Exception failure);

    [LoggerMessage(106, LogLevel.Debug, "Refused hub call {Method} on connection {ConnectionId}: {Reason}")]
    public static partial void InvocationRefused(ILogger logger, string method, string connectionId, string reason);

    [LoggerMessage(107, LogLevel.Error, "Hub call {Method} on connection {ConnectionId} failed.")]
    public static partial void InvocationFailed(ILogger logger, string method, string connectionId, Exception failure);

    [LoggerMessage(108, LogLevel.Information, "Refused a hub stream on connection {ConnectionId}: the {Scope} already holds {Limit} streams.")]
    public static partial void TooManyStreams(ILogger logger, string connectionId, string scope, int limit);

    // 109 (ended by shutdown) and 110 (access ended): retired for StreamLog 702, stream closed, with its reason.
}
