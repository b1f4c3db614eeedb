using System.Runtime.CompilerServices;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// Reads a feed's store on a reader's behalf, the same way for every engine: a resuming reader's replay (the entries
/// after its position up to where its live items start, with a <c>reset</c> wherever numbers left the window) and a
/// history export. A replay waits out an outage of the storage, as the live part of the stream does; an export,
/// which has a client waiting for a file, fails at once with a failure it may retry.
/// </summary>
internal sealed class FeedReplay(FeedDefinition feed, IFeedStore store, TimeProvider time)
{
    /// <summary>
    /// The items a reader resuming after <paramref name="position"/> missed, up to <paramref name="start"/> (where its
    /// live items start), each number it will not get covered by a <c>reset</c>. A position beyond
    /// <paramref name="start"/> that the store has reached means the reader holds items this instance has yet to hand
    /// out: <paramref name="skipThrough"/> is told to leave them out of its live items.
    /// </summary>
    /// <remarks>
    /// The store's reads are awaited one after another; a store that answers at once (<see cref="IFeedStore.AnswersAtOnce"/>)
    /// therefore completes every step synchronously, which <see cref="ReplayNow"/> relies on.
    /// </remarks>
    public async IAsyncEnumerable<FeedItem<object>> ReplayAsync(FeedPosition position, FeedPosition start, Action<long> skipThrough, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var epoch = start.Epoch!;
        if (position.IsFromAnotherEpoch(epoch))
        {
            yield return FeedRecords.AnotherEpoch(feed, position.ToString(), start.Sequence, epoch, time.GetUtcNow());
            yield break;
        }

        if (position.Sequence > start.Sequence)
        {
            var head = await ReadOrWaitAsync(store.HeadAsync, cancellationToken);
            if (position.Sequence > head.Sequence)
            {
                yield return FeedRecords.Ahead(feed, position.Sequence, head.Sequence, epoch, time.GetUtcNow());
                yield break;
            }

            // The store is ahead of what this instance has handed its readers (another instance wrote and told the
            // reader first): those items come live, skipped up to its position.
            skipThrough(position.Sequence);
            yield break;
        }

        // Entries stored since the reader joined come live; the window is only asked about the ones before.
        var windowStart = Math.Min(await ReadOrWaitAsync(token => store.WindowStartAsync(start.Sequence, token), cancellationToken), start.Sequence + 1);
        var cursor = position.Sequence;
        if (windowStart > cursor + 1)
        {
            yield return Trimmed(cursor, windowStart, epoch);
            cursor = windowStart - 1;
        }

        while (cursor < start.Sequence)
        {
            var from = cursor;
            var entries = await ReadOrWaitAsync(token => store.ReadAfterAsync(from, start.Sequence, store.PageSize, token), cancellationToken);
            for (var index = 0; index < entries.Count; index++)
            {
                var entry = entries[index];
                if (entry.Sequence > cursor + 1)
                {
                    // Before a page's first entry, the window moved on while the replay read; within a page, the
                    // store did not keep those entries.
                    yield return index == 0
                        ? Trimmed(cursor, entry.Sequence, epoch)
                        : FeedRecords.NotKept(feed, cursor, entry.Sequence, epoch, time.GetUtcNow());
                }

                cursor = entry.Sequence;
                if (entry.Kind != FeedLogEntryKind.Item)
                {
                    continue;
                }

                if (entry.Note is { } note)
                {
                    yield return GapBefore(entry, note, epoch);
                }

                yield return ItemOf(entry, epoch);
            }

            if (entries.Count < store.PageSize)
            {
                break;
            }
        }

        // Trimmed while the replay paged through: what it could not read is said, before the live items.
        if (cursor < start.Sequence)
        {
            yield return Trimmed(cursor, start.Sequence + 1, epoch);
        }
    }

    /// <summary>
    /// Where a replay of the newest <paramref name="tail"/> numbers before <paramref name="start"/> begins: that many
    /// back, or the oldest the store still keeps, so a tail never starts with a reset for what history never promised.
    /// </summary>
    public async Task<FeedPosition> TailAsync(int tail, FeedPosition start, CancellationToken cancellationToken)
    {
        var windowStart = await ReadOrWaitAsync(token => store.WindowStartAsync(start.Sequence, token), cancellationToken);
        return new FeedPosition(Math.Max(Math.Max(windowStart - 1, start.Sequence - tail), 0), start.Epoch);
    }

    /// <summary><see cref="TailAsync"/>, from a store that answers at once.</summary>
    public FeedPosition TailNow(int tail, FeedPosition start)
    {
        var position = TailAsync(tail, start, CancellationToken.None);
        return position.IsCompleted
            ? position.GetAwaiter().GetResult()
            : throw new InvalidOperationException($"The store of feed '{feed.Name}' answers at once, but a read of it waited.");
    }

    /// <summary>
    /// The replay of a tail that begins after <paramref name="position"/>: as <see cref="ReplayAsync"/>, without the
    /// resets before its first item. The reader asked for recent history, not for those numbers: a hole or a trim
    /// where the tail begins (the history keeps fewer items than numbers, or this instance lags the producer) is not
    /// news to it.
    /// </summary>
    public async IAsyncEnumerable<FeedItem<object>> TailReplayAsync(FeedPosition position, FeedPosition start, Action<long> skipThrough, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var begun = false;
        await foreach (var item in ReplayAsync(position, start, skipThrough, cancellationToken))
        {
            begun |= item.Data is not FeedControl { Kind: FeedControlKind.Reset };
            if (begun)
            {
                yield return item;
            }
        }
    }

    /// <summary>The store's head, from a store that answers at once.</summary>
    public FeedPosition HeadNow()
    {
        var head = store.HeadAsync(CancellationToken.None);
        return head.IsCompleted
            ? head.GetAwaiter().GetResult()
            : throw new InvalidOperationException($"The store of feed '{feed.Name}' answers at once, but a read of it waited.");
    }

    /// <summary>The feed's history window, oldest first: its items, without control records.</summary>
    public async IAsyncEnumerable<FeedItem<object>> HistoryAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var head = await OrUnavailableAsync(store.HeadAsync, cancellationToken);
        var cursor = await OrUnavailableAsync(token => store.WindowStartAsync(head.Sequence, token), cancellationToken) - 1;
        while (cursor < head.Sequence)
        {
            var from = cursor;
            var entries = await OrUnavailableAsync(token => store.ReadAfterAsync(from, head.Sequence, store.PageSize, token), cancellationToken);
            foreach (var entry in entries)
            {
                cursor = entry.Sequence;
                if (entry.Kind == FeedLogEntryKind.Item)
                {
                    yield return ItemOf(entry, head.Epoch!);
                }
            }

            if (entries.Count < store.PageSize)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The whole replay at once, from a store that answers at once (see <see cref="ReplayAsync"/>): read while the
    /// reader joins, it is the window as it was at that moment.
    /// </summary>
    public List<FeedItem<object>> ReplayNow(FeedPosition position, FeedPosition start, Action<long> skipThrough) =>
        Now(ReplayAsync(position, start, skipThrough, CancellationToken.None));

    /// <summary><see cref="TailReplayAsync"/> at once, from a store that answers at once.</summary>
    public List<FeedItem<object>> TailReplayNow(FeedPosition position, FeedPosition start, Action<long> skipThrough) =>
        Now(TailReplayAsync(position, start, skipThrough, CancellationToken.None));

    private List<FeedItem<object>> Now(IAsyncEnumerable<FeedItem<object>> items)
    {
        var replayed = new List<FeedItem<object>>();
        var replay = items.GetAsyncEnumerator();
        while (true)
        {
            var next = replay.MoveNextAsync();
            if (!next.IsCompleted)
            {
                throw new InvalidOperationException($"The store of feed '{feed.Name}' answers at once, but a read of it waited.");
            }

            if (!next.GetAwaiter().GetResult())
            {
                return replayed;
            }

            replayed.Add(replay.Current);
        }
    }

    /// <summary>What readers get for an item entry.</summary>
    public FeedItem<object> ItemOf(FeedLogEntry entry, string epoch) =>
        new(feed.Name, entry.Sequence, entry.Timestamp, entry.Data!) { Epoch = epoch, DataJson = entry.DataJson };

    /// <summary>The <c>gap</c> record before an item whose producer took over from one that stopped without handing over.</summary>
    public FeedItem<object> GapBefore(FeedLogEntry entry, string note, string epoch) =>
        new(feed.Name, entry.Sequence - 1, entry.Timestamp, new FeedControl(FeedControlKind.Gap, note)) { Epoch = epoch };

    /// <summary>The <c>reset</c> for the numbers after <paramref name="after"/> and before <paramref name="next"/> that left the window.</summary>
    public FeedItem<object> Trimmed(long after, long next, string epoch) =>
        FeedRecords.Trimmed(feed, after, next, epoch, time.GetUtcNow(), store.BoundedByBytes);

    private Task<T> ReadOrWaitAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        RetryWithBackoff.RunAsync((_, token) => read(token), store.IsUnavailable, onRetry: (_, _) => { }, store.RetryMaxDelay, time, cancellationToken);

    private async Task<T> OrUnavailableAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(cancellationToken);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested && store.IsUnavailable(failure))
        {
            throw FeedFailedException.Unavailable(feed.Name, failure, "export its history");
        }
    }
}
