using Tributary.App.Feeds.Requests;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// What an engine keeps of one feed, and in what order: the numbered entries its producer appends, read back after a
/// position, within a history window, up to a head. Everything readers are told (replay then live without
/// duplicates, <c>gap</c>, <c>reset</c> and <c>engine</c> records, the run) is the shared-feed core's, so a new engine
/// supplies this and its producer's run, and passes the contract suite.
/// </summary>
/// <remarks>
/// How entries are appended is the engine's: the memory store numbers them as its producer hands them over; the
/// PostgreSQL store's producer, on whichever instance holds the feed's lock, writes rows that every instance reads.
/// </remarks>
internal interface IFeedStore
{
    /// <summary>Whether the history window is bounded by bytes as well as by count (for the <c>reset</c> wording).</summary>
    bool BoundedByBytes { get; }

    /// <summary>
    /// Whether reads complete at once, without I/O (the memory store): a resuming reader's replay is then read while it
    /// joins, so it gets the window exactly as it was at that moment, however fast the feed trims it afterwards.
    /// </summary>
    bool AnswersAtOnce { get; }

    /// <summary>The most entries one read returns; a store that answers at once hands its whole window in one read.</summary>
    int PageSize { get; }

    /// <summary>The longest wait between two tries of a read while the storage is unavailable.</summary>
    TimeSpan RetryMaxDelay { get; }

    /// <summary>The last sequence stored and the epoch of the numbering it belongs to.</summary>
    Task<FeedPosition> HeadAsync(CancellationToken cancellationToken);

    /// <summary>The first sequence the history window still keeps (the window of a feed whose head is <paramref name="head"/>, where the store bounds it by count from the head); <c>head + 1</c> when it keeps none.</summary>
    Task<long> WindowStartAsync(long head, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="after"/> and up to <paramref name="upTo"/>, in order (holes where entries left the window, or were never kept).</summary>
    Task<IReadOnlyList<FeedLogEntry>> ReadAfterAsync(long after, long upTo, int limit, CancellationToken cancellationToken);

    /// <summary>Whether a read's failure means the storage cannot be reached for now, so the read is worth trying again.</summary>
    bool IsUnavailable(Exception failure);
}
