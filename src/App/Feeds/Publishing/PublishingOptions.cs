namespace Tributary.App.Feeds.Publishing;

/// <summary>The <c>Publishing</c> section: how long publishes are remembered for retries, and what one client may send.</summary>
public sealed class PublishingOptions
{
    public const string Section = "Publishing";

    /// <summary>
    /// How long an <c>Idempotency-Key</c> and an item's <c>id</c> are remembered: a retry within it is answered
    /// with the first answer and creates nothing. Default 1 day.
    /// </summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The memory engine only: the most keys and item ids it remembers per feed; past it the oldest are forgotten before
    /// their window ends, so memory stays bounded however fast a feed is published to. Default 100,000.
    /// </summary>
    public int MemoryLedgerCapacity { get; set; } = 100_000;

    /// <summary>The most items one publish may carry. Default 1,000.</summary>
    public int MaxBatchItems { get; set; } = 1_000;

    /// <summary>The largest request body, in bytes. Default 16 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Items per second one client (its principal, or its address when anonymous) may publish, over all feeds; a full
    /// second's worth may come at once. Default 10,000.
    /// </summary>
    public int ItemsPerSecond { get; set; } = 10_000;
}
