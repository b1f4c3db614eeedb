using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// Where shared feeds live: who runs each feed's producer, how its items are numbered, kept and handed to
/// readers. <see cref="Memory.MemoryFeedEngine"/> keeps them in this process (the default); the PostgreSQL engine
/// keeps one producer per feed across instances and the history in a table. Every entry point reads shared
/// feeds only through here.
/// </summary>
public interface IFeedEngine
{
    /// <summary><c>memory</c> or <c>postgres</c>, as <c>/api/stats</c> shows it.</summary>
    string Name { get; }

    /// <summary>
    /// The engine's start-up work (the PostgreSQL engine migrates its schema and starts listening), done once before
    /// the app serves anything, so storage that cannot be reached stops start-up with one clear line.
    /// </summary>
    Task EnsureReadyAsync(CancellationToken cancellationToken);

    /// <summary>Whether the engine can serve readers now (the readiness probe): its storage answers.</summary>
    Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads a shared feed for as long as the enumeration lasts; leaving unsubscribes. Resuming after a position
    /// (<paramref name="start"/>), first the items after it still in history, preceded by a <c>reset</c> record if some
    /// are not or the position is from another epoch; with a tail, first the newest items in history. The reader may fall
    /// <see cref="FeedDefinition.SubscriberBuffer"/> plus <paramref name="extraBuffer"/> items behind before it
    /// loses any (a stream that reads its one feed directly has no merge channel to hold the rest).
    /// </summary>
    IAsyncEnumerable<FeedItem<object>> SubscribeAsync(FeedDefinition feed, FeedStart start, int extraBuffer, CancellationToken cancellationToken);

    /// <summary>The feed's history, oldest first, as every instance of the app sees it (for exports).</summary>
    IAsyncEnumerable<FeedItem<object>> HistoryAsync(FeedDefinition feed, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a publisher's items to a push feed, in order and all or none, and answers what each became. When it
    /// returns, the items are kept as the engine keeps anything (the PostgreSQL engine: committed) and on their way to
    /// every reader on every instance. A retry within the idempotency window, with the same <c>Idempotency-Key</c> or
    /// item ids, creates nothing and is answered as the first time.
    /// </summary>
    /// <exception cref="IdempotencyKeyReusedException">The request's key was used for a different request.</exception>
    /// <exception cref="FeedFailedException">The engine's storage cannot be reached; nothing was published.</exception>
    Task<PublishOutcome> PublishAsync(FeedDefinition feed, PublishBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Where the feed is now, as every instance sees it: a reader that resumes from it gets everything published from
    /// this moment on, whichever instance takes it.
    /// </summary>
    /// <exception cref="FeedFailedException">The engine's storage cannot be reached.</exception>
    Task<FeedPosition> HeadAsync(FeedDefinition feed, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a reader resuming after <paramref name="after"/> would get every item published since, with no
    /// <c>reset</c>: the position is of the feed's current numbering, not ahead of it, and history keeps every item after it.
    /// </summary>
    /// <exception cref="FeedFailedException">The engine's storage cannot be reached.</exception>
    Task<bool> KeepsAsync(FeedDefinition feed, FeedPosition after, CancellationToken cancellationToken);

    /// <summary>
    /// The item a publisher sent to a push feed with <paramref name="id"/> (the latest, if several carried it), with its
    /// position, while the idempotency window remembers the id and history still keeps the item; null otherwise.
    /// </summary>
    /// <exception cref="FeedFailedException">The engine's storage cannot be reached.</exception>
    Task<PublishedEntry?> FindPublishedAsync(FeedDefinition feed, string id, CancellationToken cancellationToken);
}
