namespace Tributary.App.Feeds.Sharing;

/// <summary>Log messages of shared feeds. Event ids are stable; a retired id stays here as a comment.</summary>
internal static partial class SharedFeedLog
{
    [LoggerMessage(201, LogLevel.Error, "A shared feed task failed while the server was stopping.")]
    public static partial void FailedWhileStopping(ILogger logger, Exception failure);

    [LoggerMessage(202, LogLevel.Error, "Shared feed '{Feed}' failed; its {Readers} readers' streams were ended with an error.")]
    public static partial void FeedFailed(ILogger logger, string feed, int readers, Exception failure);
}
