namespace Tributary.App.Dashboard.Session;

/// <summary>The dashboard session's log events (ids 501, 502 and 504; 503 was the stats poll the session no longer runs).</summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "Dashboard stream of {Feed} lost (attempt {Attempt}): {Reason}; it resumes after a delay.")]
    public static partial void StreamLost(ILogger logger, string feed, int attempt, string reason);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Dashboard could not load the feed catalog: {Reason}.")]
    public static partial void CatalogUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 504, Level = LogLevel.Error, Message = "Dashboard render failed; the live view carries on with the next render.")]
    public static partial void RenderFailed(ILogger logger, Exception failure);
}
