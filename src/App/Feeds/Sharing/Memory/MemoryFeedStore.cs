using Tributary.App.Feeds.Requests;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// The memory engine's store of one feed: numbers what its producer hands over, once, in an epoch new in every
/// process, and keeps the newest entries in a <see cref="FeedHistory"/> for readers who resume. Its reads complete at
/// once and never fail.
/// </summary>
internal sealed class MemoryFeedStore : IFeedStore
{
    private readonly Lock _gate = new();
    private readonly FeedDefinition _feed;
    private readonly FeedHistory _history;
    private readonly TimeProvider _time;
    private readonly string _epoch = FeedEpoch.New();
    private long _sequence;

    public MemoryFeedStore(FeedDefinition feed, TimeProvider time)
    {
        _feed = feed;
        _time = time;
        _history = new FeedHistory(feed.HistoryLength, feed.HistoryMaxBytes);
    }

    public bool BoundedByBytes => true;

    public bool AnswersAtOnce => true;

    public int PageSize => int.MaxValue;

    public TimeSpan RetryMaxDelay => TimeSpan.Zero;

    /// <summary>Where the feed is now.</summary>
    public FeedPosition Head
    {
        get
        {
            lock (_gate)
            {
                return new FeedPosition(_sequence, _epoch);
            }
        }
    }

    /// <summary>The numbering this process gives the feed.</summary>
    public string Epoch => _epoch;

    /// <summary>Numbers an item and keeps it.</summary>
    public FeedLogEntry Append(object data, ReadOnlyMemory<byte> json)
    {
        lock (_gate)
        {
            var entry = new FeedLogEntry(++_sequence, _time.GetUtcNow(), FeedLogEntryKind.Item, data, json);
            _history.Add(entry);
            return entry;
        }
    }

    /// <summary>The entry numbered <paramref name="sequence"/>, while history still holds it.</summary>
    public FeedLogEntry? Kept(long sequence)
    {
        lock (_gate)
        {
            Expire();
            return _history.After(sequence - 1, sequence, 1) is [var entry] ? entry : null;
        }
    }

    public Task<FeedPosition> HeadAsync(CancellationToken cancellationToken) => Task.FromResult(Head);

    public Task<long> WindowStartAsync(long head, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Expire();
            // An empty history (or one of length 0) keeps nothing up to the head either.
            return Task.FromResult(_history.OldestSequence ?? head + 1);
        }
    }

    public Task<IReadOnlyList<FeedLogEntry>> ReadAfterAsync(long after, long upTo, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Expire();
            return Task.FromResult<IReadOnlyList<FeedLogEntry>>(_history.After(after, upTo, limit));
        }
    }

    public bool IsUnavailable(Exception failure) => false;

    private void Expire()
    {
        if (_feed.HistoryRetention is { } retention)
        {
            _history.Expire(_time.GetUtcNow() - retention);
        }
    }
}
