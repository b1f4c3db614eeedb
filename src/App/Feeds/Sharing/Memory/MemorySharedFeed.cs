using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// The memory engine's shared feed: one producer in this process, any number of readers. What the producer yields is
/// numbered and kept by the feed's <see cref="MemoryFeedStore"/>; everything readers are told is the shared core's
/// (<see cref="SharedFeedCore"/>).
/// </summary>
public sealed class MemorySharedFeed : SharedFeedCore
{
    private readonly Func<CancellationToken, IAsyncEnumerable<object>> _open;
    private readonly MemoryFeedStore _store;

    internal MemorySharedFeed(FeedDefinition feed, Func<CancellationToken, IAsyncEnumerable<object>> open, TaskGroup host, TimeProvider timeProvider, StreamStats stats, ILogger logger)
        : base(feed, host, timeProvider, stats, logger)
    {
        _open = open;
        _store = new MemoryFeedStore(feed, timeProvider);
    }

    private protected override IFeedStore Store => _store;

    // The store's head is known at once: readers never wait for it.
    private protected override void OnRunStarted(SharedFeedRun run) => Ready(run, _store.Head);

    private protected override async Task RunAsync(SharedFeedRun run, CancellationToken stop)
    {
        Counters.Producer = true;
        Stats.SharedProducers.Increment();
        try
        {
            await foreach (var data in _open(stop).WithCancellation(stop))
            {
                Publish(run, data);
            }
        }
        finally
        {
            Counters.Producer = false;
            Stats.SharedProducers.Decrement();
        }
    }

    private void Publish(SharedFeedRun run, object data)
    {
        // Serialized once for every reader, outside the lock that readers joining and leaving wait on.
        var json = FeedJson.Encode(data);
        lock (Gate)
        {
            // A stopping run has no readers left, and a newer run may be numbering the feed already.
            if (IsCurrent(run))
            {
                Deliver(run, _store.Append(data, json));
            }
        }
    }
}
