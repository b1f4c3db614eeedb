using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// The newest items of a shared feed, oldest first, at most <c>capacity</c> of them and at most
/// <c>maxBytes</c> (by <see cref="FeedItemSize"/>), so a feed of large items cannot hold gigabytes for resume.
/// A status record goes in only while there is room: it never pushes data out. An item larger than the
/// whole bound is not kept. Not thread-safe:
/// <see cref="MemoryFeedStore"/> guards it.
/// </summary>
internal sealed class FeedHistory(int capacity, long maxBytes)
{
    private readonly Queue<(FeedLogEntry Entry, long Bytes)> _items = new(Math.Min(capacity, 1024));

    public long? OldestSequence => _items.Count == 0 ? null : _items.Peek().Entry.Sequence;

    public int Count => _items.Count;

    public long Bytes { get; private set; }

    public void Add(FeedLogEntry item)
    {
        // The data's shared encoding is kept with it.
        var bytes = FeedItemSize.Of(item.Data!) + item.DataJson.Length;
        var full = _items.Count >= capacity || Bytes + bytes > maxBytes;
        // An item larger than the whole bound would only empty the history; it is delivered live, not kept.
        if (capacity == 0 || bytes > maxBytes || (full && item.Data is UpstreamStatus))
        {
            return;
        }

        _items.Enqueue((item, bytes));
        Bytes += bytes;
        while (_items.Count > capacity || Bytes > maxBytes)
        {
            Bytes -= _items.Dequeue().Bytes;
        }
    }

    /// <summary>Drops the items older than <paramref name="cutoff"/> (a feed's <c>HistoryRetention</c>).</summary>
    public void Expire(DateTimeOffset cutoff)
    {
        while (_items.Count > 0 && _items.Peek().Entry.Timestamp < cutoff)
        {
            Bytes -= _items.Dequeue().Bytes;
        }
    }

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="after"/> and up to <paramref name="upTo"/>, oldest first.</summary>
    public List<FeedLogEntry> After(long after, long upTo, int limit) =>
        [.. _items.Select(i => i.Entry).Where(e => e.Sequence > after && e.Sequence <= upTo).Take(limit)];
}
