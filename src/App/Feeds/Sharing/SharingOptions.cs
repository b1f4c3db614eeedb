namespace Tributary.App.Feeds.Sharing;

/// <summary>The <c>Sharing</c> section of appsettings.json: which engine shared feeds live in, and its settings.</summary>
public sealed class SharingOptions
{
    public const string Section = "Sharing";

    /// <summary>The connection string's name under <c>ConnectionStrings</c> for the PostgreSQL engine.</summary>
    public const string ConnectionStringName = "Tributary";

    /// <summary><c>Memory</c> (default) or <c>Postgres</c>.</summary>
    public FeedEngineKind Engine { get; set; } = FeedEngineKind.Memory;

    /// <summary>PostgreSQL: the schema the engine's tables live in, created at start. Default <c>tributary</c>.</summary>
    public string Schema { get; set; } = "tributary";

    /// <summary>
    /// PostgreSQL: how long start-up waits for the database, retrying with backoff, before it gives up. Default
    /// zero: an unreachable database stops the app at once with a line that says which host and setting to check.
    /// </summary>
    public TimeSpan StartupWait { get; set; } = TimeSpan.Zero;

    /// <summary>PostgreSQL: the longest wait between attempts to reach the database again. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>PostgreSQL: the most items the producer appends in one round trip. Default 1,000.</summary>
    public int AppendBatchSize { get; set; } = 1000;

    /// <summary>
    /// PostgreSQL: how often a reader instance reads the log even without a notification (a safety net for a
    /// notification lost with its connection). Default 2 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>PostgreSQL: how often the producer trims rows beyond a feed's history. Default 5 s.</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>PostgreSQL: the most rows one trim statement deletes. Default 5,000.</summary>
    public int TrimBatchSize { get; set; } = 5000;
}
