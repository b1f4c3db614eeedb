using Tributary.App.Feeds;

namespace Tributary.App.Endpoints;

/// <summary>Log messages of the raw stream endpoint. Event ids are stable; a retired id stays here as a comment.</summary>
internal static partial class StreamApiLog
{
    [LoggerMessage(1, LogLevel.Error, "Feed '{Feed}' failed; its stream was ended with an error record.")]
    public static partial void FeedFailed(ILogger logger, string feed, Exception? failure);

    [LoggerMessage(2, LogLevel.Debug, "Client went away after {Items} items; the stream's producers were stopped.")]
    public static partial void ClientDisconnected(ILogger logger, long items);

    [LoggerMessage(3, LogLevel.Information, "Stream ended with a shutdown record because the server is stopping.")]
    public static partial void EndedByShutdown(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Stream reached its maximum duration of {Duration} and was ended.")]
    public static partial void ReachedMaxDuration(ILogger logger, TimeSpan duration);

    [LoggerMessage(5, LogLevel.Information, "Refused a stream for {Client}: it already holds {Limit} streams.")]
    public static partial void TooManyStreams(ILogger logger, string client, int limit);

    [LoggerMessage(6, LogLevel.Warning, "A reader of feed '{Feed}' fell behind and was disconnected (DisconnectSlowConsumer).")]
    public static partial void ReaderFellBehind(ILogger logger, string feed);

    [LoggerMessage(7, LogLevel.Debug, "Feed '{Feed}' failed (logged where it failed); its stream was ended with an error record.")]
    public static partial void EndedByLoggedFailure(ILogger logger, string feed);

    [LoggerMessage(8, LogLevel.Information, "Stream ended because its caller's access ended (key revoked or expired, or signed out).")]
    public static partial void EndedByAccess(ILogger logger);

    /// <summary>Logs a feed failure that ends a stream, once and at the level it deserves.</summary>
    public static void StreamEndedByFailure(ILogger logger, FeedFailedException failure)
    {
        if (failure.ReaderFellBehind)
        {
            ReaderFellBehind(logger, failure.Feed);
        }
        else if (failure.FailureLogged)
        {
            EndedByLoggedFailure(logger, failure.Feed);
        }
        else
        {
            FeedFailed(logger, failure.Feed, failure.InnerException);
        }
    }
}
