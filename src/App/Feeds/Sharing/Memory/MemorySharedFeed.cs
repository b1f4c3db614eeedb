using System.Text.Json;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// The memory engine's shared feed: one producer in this process (or, for a push feed, its publishers), any number of
/// readers. What the producer yields or a publisher sends is numbered and kept by the feed's <see cref="MemoryFeedStore"/>;
/// everything readers are told is the shared core's (<see cref="SharedFeedCore"/>).
/// </summary>
public sealed class MemorySharedFeed : SharedFeedCore
{
    private readonly Func<string?, CancellationToken, IAsyncEnumerable<object>> _open;
    private readonly MemoryFeedStore _store;
    private readonly MemoryPublishLedger _ledger;

    // Where the source was after the last item kept: the next run resumes after it (runs come and go with readers).
    private string? _sourcePosition;

    internal MemorySharedFeed(FeedDefinition feed, Func<string?, CancellationToken, IAsyncEnumerable<object>> open, TaskGroup host, TimeProvider timeProvider, StreamStats stats, PublishingOptions publishing, ILogger logger)
        : base(feed, host, timeProvider, stats, logger)
    {
        _open = open;
        _store = new MemoryFeedStore(feed, timeProvider);
        _ledger = new MemoryPublishLedger(timeProvider, publishing.IdempotencyWindow, publishing.MemoryLedgerCapacity);
    }

    private protected override IFeedStore Store => _store;

    // The store's head is known at once: readers never wait for it.
    private protected override void OnRunStarted(SharedFeedRun run) => Ready(run, _store.Head);

    private protected override async Task RunAsync(SharedFeedRun run, CancellationToken stop)
    {
        if (Feed.IsPush)
        {
            // Publishers append whether or not anyone reads; the run only holds its readers until they leave.
            await Task.Delay(Timeout.Infinite, stop);
            return;
        }

        Counters.Producer = true;
        Stats.SharedProducers.Increment();
        try
        {
            await foreach (var item in _open(_sourcePosition, stop).WithCancellation(stop))
            {
                // Only what the feed kept moves the position and is acknowledged: a stopping run's items are not kept, and
                // stay with the source for the next run.
                if (item is not SourcedItem sourced)
                {
                    Publish(run, item);
                }
                else if (Publish(run, sourced.Data))
                {
                    _sourcePosition = sourced.Position ?? _sourcePosition;
                    await sourced.AcknowledgeAsync();
                }
            }

            // Paced feeds end quietly when cancelled (FeedPacer). The core winds a stopped run up as an ended one, but
            // the run keeps the timing it had when the cancellation was thrown: without it, a run that stops as a new
            // reader asks for a tail was seen once to leave that tail without its history (see docs/PERFORMANCE.md).
            stop.ThrowIfCancellationRequested();
        }
        finally
        {
            Counters.Producer = false;
            Stats.SharedProducers.Decrement();
        }
    }

    /// <summary>
    /// Appends a publisher's items to this push feed, in order, and hands them to its readers; a retry within the
    /// idempotency window (the same key, or an item id seen before) is answered as the first time, creating nothing.
    /// </summary>
    /// <exception cref="IdempotencyKeyReusedException">The request's key was used for a different request.</exception>
    public PublishOutcome Publish(PublishBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // Parsed outside the gate; the reader checked each item is one JSON value.
        var data = batch.Items.Select(i => (object)JsonSerializer.Deserialize<JsonElement>(i.DataJson.Span)).ToList();
        lock (Gate)
        {
            if (batch.Key is { } key && _ledger.AnswerTo(Feed.Name, key) is { } answer)
            {
                return answer;
            }

            var published = new List<PublishedItem>(batch.Items.Count);
            for (var i = 0; i < batch.Items.Count; i++)
            {
                published.Add(Append(batch.Items[i], data[i], batch.DeduplicateIds));
            }

            var outcome = new PublishOutcome(published, Replayed: false);
            if (batch.Key is { } first)
            {
                _ledger.Remember(first, outcome);
            }

            return outcome;
        }
    }

    /// <summary>The item (the latest) published with <paramref name="id"/>, while the ledger and history both keep it.</summary>
    public PublishedEntry? FindPublished(string id)
    {
        lock (Gate)
        {
            return _ledger.ItemWith(id) is { Duplicate: false } item && item.Epoch == _store.Epoch && _store.Kept(item.Sequence) is { Data: { } data }
                ? new PublishedEntry(new FeedPosition(item.Sequence, item.Epoch), data)
                : null;
        }
    }

    // Under the gate.
    private PublishedItem Append(PublishItem item, object data, bool deduplicate)
    {
        if (deduplicate && item.Id is { } id && _ledger.ItemWith(id) is { } earlier)
        {
            return earlier with { Duplicate = true };
        }

        var entry = _store.Append(data, item.DataJson);
        if (CurrentRun is { } run)
        {
            Deliver(run, entry);
        }

        var published = new PublishedItem(entry.Sequence, _store.Epoch, item.Id, Duplicate: false);
        if (item.Id is not null)
        {
            _ledger.Remember(published);
        }

        return published;
    }

    // Whether the item was kept.
    private bool Publish(SharedFeedRun run, object data)
    {
        // Serialized once for every reader, outside the lock that readers joining and leaving wait on.
        var json = FeedJson.Encode(data);
        lock (Gate)
        {
            // A stopping run has no readers left, and a newer run may be numbering the feed already.
            if (!IsCurrent(run))
            {
                return false;
            }

            Deliver(run, _store.Append(data, json));
            return true;
        }
    }
}
