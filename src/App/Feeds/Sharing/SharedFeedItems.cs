using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// A shared feed to be read: the reader joins when the enumeration starts, not when this is made, so an enumeration
/// that never starts never holds a place in the feed; its items come straight from the reader's own enumeration.
/// </summary>
internal sealed class SharedFeedItems(SharedFeedCore feed, FeedStart start, int extraBuffer, CancellationToken cancellationToken) : IAsyncEnumerable<FeedItem<object>>
{
    public IAsyncEnumerator<FeedItem<object>> GetAsyncEnumerator(CancellationToken enumeratorToken = default) =>
        feed.Subscribe(start, extraBuffer).ReadAllAsync(cancellationToken).GetAsyncEnumerator(enumeratorToken);
}
