using Tributary.App.Feeds.Sharing;

namespace Tributary.App.Feeds.Diagnostics;

/// <summary>What <c>/api/stats</c>, the system feed and the <c>Tributary</c> meter show about one shared feed.</summary>
public sealed class SharedFeedCounters
{
    private long _subscribers;
    private long _dropped;
    private long _sequence;
    private long _upstreamConnections;
    private long _reconnects;

    /// <summary>No producer, running, storage unavailable, or an upstream's connection state.</summary>
    public FeedState State { get; set; } = FeedState.Idle;

    /// <summary>Whether this instance runs the feed's producer now.</summary>
    public bool Producer { get; set; }

    public long Subscribers => Interlocked.Read(ref _subscribers);

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Upstream connections opened so far (one per connect, reconnects included).</summary>
    public long UpstreamConnections => Interlocked.Read(ref _upstreamConnections);

    /// <summary>Times the upstream was lost and a new connection scheduled.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    public void SetSubscribers(long count) => Interlocked.Exchange(ref _subscribers, count);

    public void AddDropped(long items) => Interlocked.Add(ref _dropped, items);

    public void SetSequence(long sequence) => Interlocked.Exchange(ref _sequence, sequence);

    public void AddUpstreamConnection() => Interlocked.Increment(ref _upstreamConnections);

    public void AddReconnect() => Interlocked.Increment(ref _reconnects);

    public SharedFeedSnapshot Snapshot() => new(State.Name(), Subscribers, Dropped, Interlocked.Read(ref _sequence), UpstreamConnections, Reconnects, Producer);
}
