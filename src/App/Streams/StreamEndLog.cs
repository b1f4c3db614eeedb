using Tributary.App.Feeds;

namespace Tributary.App.Streams;

/// <summary>
/// Log messages of the stream gate, for every entry point. Event ids are stable; a retired id stays here as a comment.
/// (How each stream ended is the stream-closed event, 702, with its reason.)
/// </summary>
internal static partial class StreamEndLog
{
    [LoggerMessage(1, LogLevel.Error, "Feed '{Feed}' failed; its streams were ended with an error.")]
    public static partial void FeedFailed(ILogger logger, string feed, Exception? failure);

    // 2 (client went away), 3 (ended by shutdown), 4 (maximum duration) and 8 (access ended): retired for 702.
    [LoggerMessage(5, LogLevel.Information, "Refused a stream on {Endpoint} for {Client}: it already holds {Limit} streams.")]
    public static partial void TooManyStreams(ILogger logger, string endpoint, string client, int limit);

    [LoggerMessage(6, LogLevel.Warning, "A reader of feed '{Feed}' fell behind and was disconnected (DisconnectSlowConsumer).")]
    public static partial void ReaderFellBehind(ILogger logger, string feed);

    [LoggerMessage(7, LogLevel.Debug, "Feed '{Feed}' failed (logged where it failed); its stream was ended with an error.")]
    public static partial void EndedByLoggedFailure(ILogger logger, string feed);

    [LoggerMessage(9, LogLevel.Warning, "Feed '{Feed}' could not be read: its engine's database is unavailable ({Reason}).")]
    public static partial void EngineUnavailable(ILogger logger, string feed, string reason);

    /// <summary>Logs a feed failure that ends a stream, once and at the level it deserves.</summary>
    public static void EndedByFailure(ILogger logger, FeedFailedException failure)
    {
        if (failure.ReaderFellBehind)
        {
            ReaderFellBehind(logger, failure.Feed);
        }
        else if (failure.EngineUnavailable)
        {
            EngineUnavailable(logger, failure.Feed, failure.InnerException?.GetType().Name ?? "unreachable");
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
