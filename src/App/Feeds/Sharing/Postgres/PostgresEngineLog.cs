namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// Log messages of the PostgreSQL engine. They name the database as <c>host:port/database</c>, never the
/// connection string. Event ids are stable; a retired id stays here as a comment.
/// </summary>
internal static partial class PostgresEngineLog
{
    [LoggerMessage(401, LogLevel.Warning, "PostgreSQL at {Where} is unavailable to feed '{Feed}' ({Reason}); retrying in {DelayMs} ms.")]
    public static partial void Unavailable(ILogger logger, string where, string feed, string reason, long delayMs);

    [LoggerMessage(402, LogLevel.Information, "PostgreSQL at {Where} is available to feed '{Feed}' again.")]
    public static partial void Recovered(ILogger logger, string where, string feed);

    [LoggerMessage(403, LogLevel.Information, "This instance ({Instance}) now produces shared feed '{Feed}' from seq {Sequence}.")]
    public static partial void Producing(ILogger logger, string instance, string feed, long sequence);

    [LoggerMessage(404, LogLevel.Warning, "Shared feed '{Feed}' was taken over from instance {Previous}, which stopped without handing it over; its readers get a gap record.")]
    public static partial void TookOver(ILogger logger, string feed, string previous);

    [LoggerMessage(405, LogLevel.Information, "This instance ({Instance}) no longer produces shared feed '{Feed}'.")]
    public static partial void Released(ILogger logger, string instance, string feed);

    [LoggerMessage(406, LogLevel.Warning, "PostgreSQL at {Where} is unreachable ({Reason}); Sharing:Postgres:StartupWait allows {Remaining} more, retrying in {DelayMs} ms.")]
    public static partial void WaitingAtStart(ILogger logger, string where, string reason, TimeSpan remaining, long delayMs);

    [LoggerMessage(407, LogLevel.Warning, "The PostgreSQL listener at {Where} lost its connection ({Reason}); readers fall back to polling until it is back.")]
    public static partial void ListenerLost(ILogger logger, string where, string reason);

    [LoggerMessage(409, LogLevel.Warning, "PostgreSQL at {Where} is unavailable to the push feeds' upkeep ({Reason}); retrying in {DelayMs} ms.")]
    public static partial void UpkeepUnavailable(ILogger logger, string where, string reason, long delayMs);

    [LoggerMessage(408, LogLevel.Information, "PostgreSQL engine ready at {Where}, schema '{Schema}' version {Version}, instance {Instance}.")]
    public static partial void Ready(ILogger logger, string where, string schema, int version, string instance);
}
