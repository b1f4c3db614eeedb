using System.Runtime.CompilerServices;
using Tributary.Streaming.Internal;

namespace Tributary.Streaming.Merging;

/// <summary>Groups a stream's items into batches for transports that pay per message.</summary>
public static class TimeWindowBatching
{
    /// <summary>
    /// Yields the items of <paramref name="source"/> in batches: a batch starts with the next item and takes
    /// whatever else arrives within <paramref name="window"/> of it, up to <paramref name="maxBatch"/> items.
    /// An idle stream therefore sends each item at most one window late, and a busy one sends few messages.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="source">The items.</param>
    /// <param name="window">How long a batch may wait for more items after its first.</param>
    /// <param name="maxBatch">The most items in one batch.</param>
    /// <param name="timeProvider">Times the window; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Stops the batching and the source.</param>
    /// <returns>Non-empty batches, in order.</returns>
    public static async IAsyncEnumerable<IReadOnlyList<T>> BatchAsync<T>(
        this IAsyncEnumerable<T> source,
        TimeSpan window,
        int maxBatch,
        TimeProvider? timeProvider = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        var clock = timeProvider ?? TimeProvider.System;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var items = source.GetAsyncEnumerator(stop.Token);
        var next = items.MoveNextAsync().AsTask();
        try
        {
            while (await next.ConfigureAwait(false))
            {
                var batch = new List<T> { items.Current };
                var closes = clock.GetTimestamp() + (long)(window.TotalSeconds * clock.TimestampFrequency);
                next = items.MoveNextAsync().AsTask();
                while (batch.Count < maxBatch && await ArrivesBeforeAsync(next, closes, clock, cancellationToken).ConfigureAwait(false))
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        break;
                    }

                    batch.Add(items.Current);
                    next = items.MoveNextAsync().AsTask();
                }

                yield return batch;
            }
        }
        finally
        {
            // The reader may leave while the next item is being fetched.
            await AsyncEnumeratorRelease.ReleaseAsync(items, next, stop).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ArrivesBeforeAsync(Task<bool> next, long closes, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (next.IsCompleted)
        {
            return true;
        }

        var remaining = clock.GetElapsedTime(clock.GetTimestamp(), closes);
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timeout = Task.Delay(remaining, clock, stopWaiting.Token);
        var first = await Task.WhenAny(next, timeout).ConfigureAwait(false);
        await stopWaiting.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == next;
    }
}
