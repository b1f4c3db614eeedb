using Tributary.App.Feeds.Requests;

namespace Tributary.App.Feeds.Sharing;

/// <summary>An item a publisher sent, found by its id: where it is in the feed, and its data (to decide who may know of it).</summary>
/// <param name="Position">Its place in the feed's numbering: a reader resuming from it gets what came after.</param>
/// <param name="Data">Its data, as readers get it.</param>
public sealed record PublishedEntry(FeedPosition Position, object Data);
