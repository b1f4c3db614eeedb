namespace Tributary.Streaming.Merging;

/// <summary>
/// A control record travelling in a stream where an item's data would be: it tells the reader something
/// about the stream rather than the feed, such as items skipped for a slow reader (<c>gap</c>) or history
/// that could not be replayed (<c>reset</c>). Formatters write it as a control record, not as an item.
/// </summary>
/// <param name="Type">The record type, e.g. <c>gap</c> or <c>reset</c>.</param>
/// <param name="Message">A human-readable explanation.</param>
/// <param name="Skipped">For <c>gap</c>: how many items were skipped.</param>
public sealed record FeedControl(string Type, string Message, long? Skipped = null);
