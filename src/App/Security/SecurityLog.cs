namespace Tributary.App.Security;

/// <summary>
/// Security log events (ids 601–610). None carries a key, token or ticket: only the path (never the query, where an
/// <c>access_token</c> may be), the key's configured name, and the reason.
/// </summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Refused a credential on {Path}: unknown, revoked or expired.")]
    public static partial void KeyRefused(ILogger logger, PathString path);

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "Refused {Path}: {Status} for {Holder}.")]
    public static partial void AccessRefused(ILogger logger, PathString path, int status, string holder);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "Dashboard sign-in as '{Name}'.")]
    public static partial void SignedIn(ILogger logger, string name);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Dashboard sign-in refused: the key is not valid.")]
    public static partial void SignInRefused(ILogger logger);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Dashboard sign-out of '{Name}'.")]
    public static partial void SignedOut(ILogger logger, string name);

    [LoggerMessage(EventId = 606, Level = LogLevel.Warning, Message = "Refused a {Path} connection from origin {Origin}: not this site and not in Auth:AllowedOrigins.")]
    public static partial void OriginRefused(ILogger logger, PathString path, string origin);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "Authentication is off (Auth:Mode=None) and the server listens on {Address}, which is not loopback: anyone who can reach it may watch every feed. See README, \"Securing a deployment\".")]
    public static partial void OpenOnNetwork(ILogger logger, string address);

    [LoggerMessage(EventId = 608, Level = LogLevel.Information, Message = "Connection limits: {Connections} connections and {Upgraded} upgraded (WebSocket) connections at once, from a limit of {FileDescriptors} open files.")]
    public static partial void ConnectionLimits(ILogger logger, long connections, long upgraded, long fileDescriptors);

    [LoggerMessage(EventId = 609, Level = LogLevel.Error, Message = "The changed Auth settings are invalid and were not applied; the previous ones stay in force: {Problem}")]
    public static partial void EditRejected(ILogger logger, string problem);

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Refused {Path} to {Holder}: {Problem}")]
    public static partial void FeedRefused(ILogger logger, string path, string holder, string problem);

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Refused {Path} to {Holder}: feed '{Feed}' is not among the feeds it may watch, so it was answered as unknown")]
    public static partial void HiddenFeedRefused(ILogger logger, string path, string holder, string feed);
}
