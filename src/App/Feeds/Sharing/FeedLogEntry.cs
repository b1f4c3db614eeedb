namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// One numbered entry of a feed's store, as an engine keeps it: the unit of its ordering. The shared-feed core turns
/// entries into what readers get (items, and the control records around them).
/// </summary>
/// <param name="Sequence">Its place in the feed's numbering.</param>
/// <param name="Timestamp">When it was stored.</param>
/// <param name="Kind">An item, or the end or failure of the source that wrote the entries before it.</param>
/// <param name="Data">An item's data; null for the other kinds.</param>
/// <param name="DataJson">An item's data as JSON, encoded once for every reader.</param>
/// <param name="Note">
/// On an item, why items may be missing before it (its producer took over from one that stopped without handing
/// over); on a failure, the failure's message.
/// </param>
internal sealed record FeedLogEntry(long Sequence, DateTimeOffset Timestamp, FeedLogEntryKind Kind, object? Data, ReadOnlyMemory<byte> DataJson, string? Note = null);
