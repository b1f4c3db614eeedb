namespace Tributary.App.Security;

/// <summary>
/// Records a request that named a feed its caller may not watch. The caller was told the feed is unknown, so that
/// a refusal reveals nothing; the operator still sees the attempt (event 611).
/// </summary>
internal static class HiddenFeedLog
{
    public static void Refused(ILogger logger, HttpContext context, string? feed)
    {
        if (feed is null || !logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var holder = StreamClient.Of(context.User, context.Connection.RemoteIpAddress);
        SecurityLog.HiddenFeedRefused(logger, context.Request.Path.Value ?? "", holder, feed);
    }
}
