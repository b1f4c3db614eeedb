using Tributary.App.Feeds;

namespace Tributary.App.Endpoints;

/// <summary>Log messages of the raw stream endpoint. Event ids are stable; a retired id stays here as a comment.</summary>
internal static partial class StreamApiLog
{
    [LoggerMessage(1, LogLevel.Error, "Feed '{Feed}' failed; its stream was ended with an error record.")]
    public static partial void FeedFailed(ILogger logger, string feed, Exception? failure);

    // 2 (client went away), 3 (ended by shutdown) and 4 (maximum duration): retired for StreamLog 702, stream closed, with its reason.

    [LoggerMessage(5, LogLevel.Information, "Refused a stream for {Client}: it already holds {Limit} streams.")]
    public static partial void TooManyStreams(ILogger logger, string client, int limit);

    [LoggerMessage(6, LogLevel.Warning, "A reader of feed '{Feed}' fell behind and was disconnected (DisconnectSlowConsumer).")]
    public static partial void ReaderFellBehind(ILogger logger, string feed);

    [LoggerMessage(7, LogLevel.Debug, "Feed '{Feed}' failed (logged where it failed); its stream was ended with an error record.")]
    public static partial void EndedByLoggedFailure(ILogger logger, string feed);

    // 8 (access ended): retired for StreamLog 702, stream closed, with its reason.

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
