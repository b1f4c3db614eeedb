using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Endpoints.Publishing;

/// <summary>What one published item became.</summary>
/// <param name="Seq">Its sequence number in the feed.</param>
/// <param name="Epoch">The numbering the sequence belongs to.</param>
/// <param name="Position">Where a reader resumes to get the items after it, as <c>since</c> and <c>Last-Event-ID</c> take it: <c>feed:seq@epoch</c>.</param>
/// <param name="Id">The publisher's id for it, if it sent one.</param>
/// <param name="Duplicate">True when an item with this id was already published within the idempotency window: this one created nothing, and these are the first one's numbers.</param>
public sealed record PublishResponseItem(long Seq, string Epoch, string Position, string? Id, bool Duplicate)
{
    internal static PublishResponseItem From(string feed, PublishedItem item) =>
        new(item.Sequence, item.Epoch, $"{feed}:{new FeedPosition(item.Sequence, item.Epoch)}", item.Id, item.Duplicate);
}
