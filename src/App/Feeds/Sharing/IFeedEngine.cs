using Microsoft.Extensions.Diagnostics.HealthChecks;
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
}
