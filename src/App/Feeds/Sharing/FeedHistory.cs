using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>The last N items of a shared feed, oldest first. Not thread-safe: <see cref="SharedFeed"/> guards it.</summary>
internal sealed class FeedHistory(int capacity)
{
    private readonly Queue<FeedItem<object>> _items = new(Math.Min(capacity, 1024));

    public long? OldestSequence => _items.Count == 0 ? null : _items.Peek().Sequence;

    public int Count => _items.Count;

    public void Add(FeedItem<object> item)
    {
        if (capacity == 0)
        {
            return;
        }

        _items.Enqueue(item);
        if (_items.Count > capacity)
        {
            _items.Dequeue();
        }
    }

    public List<FeedItem<object>> After(long sequence) => [.. _items.Where(i => i.Sequence > sequence)];

    public List<FeedItem<object>> All() => [.. _items];
}
