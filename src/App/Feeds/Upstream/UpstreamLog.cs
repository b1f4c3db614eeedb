namespace Tributary.App.Feeds.Upstream;

/// <summary>Log messages of upstream feeds. Event ids are stable; a retired id stays here as a comment.</summary>
internal static partial class UpstreamLog
{
    // The exception goes here, and only here: readers get the fixed sentence in the status record.
    [LoggerMessage(301, LogLevel.Warning, "Upstream feed '{Feed}' ({Address}): {Reason}.")]
    public static partial void SessionEnded(ILogger logger, string feed, string address, string reason, Exception? failure);

    [LoggerMessage(302, LogLevel.Debug, "Upstream feed '{Feed}' ({Address}), attempt {Attempt}: {Reason}.")]
    public static partial void AttemptFailed(ILogger logger, string feed, string address, int attempt, string reason, Exception? failure);

    // With 301, the upstream's state changes: lost (301, with why) and back (303).
    [LoggerMessage(303, LogLevel.Information, "Upstream feed '{Feed}' connected to {Address}.")]
    public static partial void Connected(ILogger logger, string feed, string address);
}
