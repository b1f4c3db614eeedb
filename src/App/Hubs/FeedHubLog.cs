namespace Tributary.App.Hubs;

/// <summary>Log messages of the feed hub. Event ids are stable; a retired id stays here as a comment.</summary>
internal static partial class FeedHubLog
{
    [LoggerMessage(101, LogLevel.Error, "Feed '{Feed}' failed; the hub stream of connection {ConnectionId} was ended with an error.")]
    public static partial void FeedFailed(ILogger logger, string feed, string connectionId, Exception? failure);

    [LoggerMessage(102, LogLevel.Debug, "Hub stream of connection {ConnectionId} ended after {Items} items.")]
    public static partial void StreamEnded(ILogger logger, string connectionId, long items);
}
