namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// The PostgreSQL engine's settings, in <c>Sharing:Postgres</c>. The same keys directly under <c>Sharing</c> (where
/// they lived before the engines had sections of their own) still work; a key in <c>Sharing:Postgres</c> wins.
/// </summary>
public sealed class PostgresEngineOptions
{
    public const string Section = "Sharing:Postgres";

    /// <summary>Where the keys used to be, still read first.</summary>
    public const string FormerSection = "Sharing";

    /// <summary>The schema the engine's tables live in, created at start. Default <c>tributary</c>.</summary>
    public string Schema { get; set; } = "tributary";

    /// <summary>
    /// How long start-up waits for the database, retrying with backoff, before it gives up. Default
    /// zero: an unreachable database stops the app at once with a line that says which host and setting to check.
    /// </summary>
    public TimeSpan StartupWait { get; set; } = TimeSpan.Zero;

    /// <summary>The longest wait between attempts to reach the database again. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most items the producer appends in one round trip. Default 1,000.</summary>
    public int AppendBatchSize { get; set; } = 1000;

    /// <summary>
    /// How often a reader instance reads the log even without a notification (a safety net for a
    /// notification lost with its connection). Default 2 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the producer trims rows beyond a feed's history. Default 5 s.</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most rows one trim statement deletes. Default 5,000.</summary>
    public int TrimBatchSize { get; set; } = 5000;
}
