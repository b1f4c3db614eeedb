using System.Buffers;
using Tributary.Streaming.Internal;

namespace Tributary.Streaming.Formatting;

/// <summary>
/// Writes a stream of items to an <see cref="ILiveOutput"/> so that it stays live without flushing more
/// than it must: items that are already waiting are formatted into one batch and flushed once, and the
/// moment the next item is not ready the batch is flushed, so an idle stream sends each item at once.
/// </summary>
/// <remarks>Not thread-safe: one writer serves one response.</remarks>
public sealed class LiveBatchWriter
{
    /// <summary>A batch is flushed early once it holds this many bytes, bounding memory under a backlog.</summary>
    public const int MaxBatchBytes = 64 * 1024;

    private readonly ILiveOutput _output;
    private readonly TimeProvider _timeProvider;
    private readonly PooledBufferWriter _batch = new(4096);
    private readonly FlushClock? _flushClock;

    /// <summary>Creates a writer.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="timeProvider">Times heartbeats; <see langword="null"/> for the system clock.</param>
    /// <param name="flushClock">
    /// When given, an item that arrives after a wait is written at the clock's next tick, together with the items
    /// that came after it: fewer wake-ups and flushes, for up to one interval of latency. <see langword="null"/>
    /// writes each item as soon as the next one is not ready.
    /// </param>
    public LiveBatchWriter(ILiveOutput output, TimeProvider? timeProvider = null, FlushClock? flushClock = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _flushClock = flushClock;
    }

    /// <summary>The pending batch: format records here, then call <see cref="FlushAsync"/>.</summary>
    public IBufferWriter<byte> Batch => _batch;

    /// <summary>Writes the pending batch and flushes the output.</summary>
    /// <param name="cancellationToken">Cancels the write (for example the request's abort token).</param>
    /// <returns>A task that completes when the output is flushed.</returns>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch.WrittenCount > 0)
        {
            await _output.WriteAsync(_batch.WrittenMemory, cancellationToken).ConfigureAwait(false);
            _batch.Reset();
        }

        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Formats every item of <paramref name="items"/> into batches and writes them, flushing whenever the
    /// next item is not ready yet (and after <see cref="MaxBatchBytes"/>).
    /// </summary>
    /// <remarks>
    /// The last batch is left in <see cref="Batch"/>, unflushed, however the copy ends: when the items run
    /// out, and when <paramref name="items"/> throws (the exception propagates). The caller appends any final
    /// record and calls <see cref="FlushAsync"/> once. The enumerator is always disposed, which for a
    /// <c>FeedMerge</c> stream stops every feed.
    /// </remarks>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="format">Formats one item into the batch.</param>
    /// <param name="heartbeat">Written when the stream is idle for its interval; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the copy (for example the request's abort token).</param>
    /// <returns>How many items were formatted.</returns>
    public async Task<long> CopyAsync<T>(
        IAsyncEnumerable<T> items,
        Action<T, IBufferWriter<byte>> format,
        LiveHeartbeat? heartbeat,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(format);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = items.GetAsyncEnumerator(stop.Token);
        Task<bool>? outstanding = null;
        long count = 0;
        // Set when an item woke this writer and a flush clock is in use: the tick to write it at, taken at once so
        // that a tick between waking and formatting still counts.
        Task? tick = null;
        try
        {
            while (true)
            {
                if (tick is not null)
                {
                    // Let the items after the one that woke this writer gather in the source until the tick (no
                    // wake-up each), then take them all into this batch.
                    await tick.WaitAsync(cancellationToken).ConfigureAwait(false);
                    tick = null;
                }

                var next = enumerator.MoveNextAsync();
                bool hasItem;
                if (next.IsCompleted)
                {
                    hasItem = next.Result;
                }
                else if (heartbeat is null)
                {
                    // About to wait: whatever is batched goes out now, so an idle stream is never behind. The
                    // pending call becomes a Task only if the flush fails and it must be released: an idle
                    // stream waits once per item, and a Task per wait outlives a young-generation GC.
                    try
                    {
                        await FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        outstanding = next.AsTask();
                        throw;
                    }

                    hasItem = await next.ConfigureAwait(false);
                    tick = _flushClock?.NextTickAsync();
                }
                else
                {
                    outstanding = next.AsTask();
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                    await WaitAsync(outstanding, heartbeat, cancellationToken).ConfigureAwait(false);
                    hasItem = await outstanding.ConfigureAwait(false);
                    outstanding = null;
                    tick = _flushClock?.NextTickAsync();
                }

                if (!hasItem)
                {
                    return count;
                }

                // Items already waiting complete MoveNextAsync without looking at the token, and a response
                // whose client has gone still accepts writes; so check here, or a stream whose client left
                // keeps formatting its backlog into nowhere, on a core its teardown needs.
                cancellationToken.ThrowIfCancellationRequested();
                format(enumerator.Current, _batch);
                count++;
                if (_batch.WrittenCount >= MaxBatchBytes)
                {
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                    // With a backlog nothing here ever waits, so one busy stream would hold a thread-pool
                    // thread until its client's buffers filled. Going to the back of the pool's queue after each
                    // full batch lets other work in first: other connections, and the notice that this
                    // stream's client has gone (measured in docs/PERFORMANCE.md).
                    await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                }
            }
        }
        finally
        {
            // A failed flush can leave a MoveNextAsync in flight.
            await AsyncEnumeratorRelease.ReleaseAsync(enumerator, outstanding, stop).ConfigureAwait(false);
        }
    }

    private async Task WaitAsync(Task<bool> next, LiveHeartbeat? heartbeat, CancellationToken cancellationToken)
    {
        if (heartbeat is null)
        {
            return;
        }

        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (!next.IsCompleted)
        {
            var silence = Task.Delay(heartbeat.Interval, _timeProvider, quiet.Token);
            if (await Task.WhenAny(next, silence).ConfigureAwait(false) == silence)
            {
                cancellationToken.ThrowIfCancellationRequested();
                heartbeat.Write(_batch);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // Stop the pending delay's timer now rather than when it fires.
        await quiet.CancelAsync().ConfigureAwait(false);
    }
}
