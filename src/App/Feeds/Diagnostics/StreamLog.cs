namespace Tributary.App.Feeds.Diagnostics;

/// <summary>
/// The events every stream logs, whatever its endpoint: opened and closed, with why. Event ids are stable; a retired
/// id stays here as a comment. The category is <see cref="Category"/>, so an operator can turn these up or down alone.
/// </summary>
internal static partial class StreamLog
{
    public const string Category = "Tributary.Streams";

    [LoggerMessage(701, LogLevel.Debug, "Stream opened on {Endpoint} for {Client}: {Feeds}.", EventName = "StreamOpened")]
    public static partial void Opened(ILogger logger, string endpoint, string client, string feeds);

    [LoggerMessage(702, LogLevel.Information, "Stream closed on {Endpoint} for {Client} after {Items} items and {DurationMs} ms: {Reason}.", EventName = "StreamClosed")]
    public static partial void Closed(ILogger logger, string endpoint, string client, long items, long durationMs, string reason);
}
