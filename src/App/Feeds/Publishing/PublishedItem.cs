namespace Tributary.App.Feeds.Publishing;

/// <summary>What one published item became: its place in the feed's numbering.</summary>
/// <param name="Sequence">Its sequence number.</param>
/// <param name="Epoch">The numbering it belongs to.</param>
/// <param name="Id">The publisher's id for it, if it gave one.</param>
/// <param name="Duplicate">True when an item with this id was already published within the window: nothing new was created.</param>
public sealed record PublishedItem(long Sequence, string Epoch, string? Id, bool Duplicate);
