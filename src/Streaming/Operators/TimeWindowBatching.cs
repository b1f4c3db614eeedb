using System.Runtime.CompilerServices;
using Tributary.Streaming.Internal;

namespace Tributary.Streaming.Operators;

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
    /// <returns>Non-empty batches, in order. If the source fails, the batch gathered so far is yielded first,
    /// then the failure is thrown.</returns>
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
                Task? windowClosed = null;
                next = items.MoveNextAsync().AsTask();
                while (batch.Count < maxBatch)
                {
                    if (!next.IsCompleted)
                    {
                        // One timer per batch, raced against each wait and left to lapse on its own (a timer and
                        // a token source per wait cost more than the batching saved). Cancelling the stream
                        // needs no token here: it ends the pending MoveNextAsync, which wins the race.
                        windowClosed ??= Task.Delay(Remaining(closes, clock), clock, CancellationToken.None);
                        if (await Task.WhenAny(next, windowClosed).ConfigureAwait(false) != next)
                        {
                            break;
                        }
                    }

                    // `next` has completed here. If the source failed, stop gathering: the batch goes out first.
                    // If the reader cancelled, it has left and the stream ends now.
                    if (!next.IsCompletedSuccessfully && stop.IsCancellationRequested)
                    {
                        await next.ConfigureAwait(false);
                    }

                    if (!next.IsCompletedSuccessfully || !next.Result)
                    {
                        break;
                    }

                    batch.Add(items.Current);
                    next = items.MoveNextAsync().AsTask();
                }

                // A source that failed mid-batch still gets its items delivered first: the failure stays in
                // `next`, which the outer loop awaits once this batch has been taken.
                yield return batch;
            }
        }
        finally
        {
            // A reader that leaves after a partial batch never sees the failure that ended it: observe it here,
            // so it is not reported again as an unobserved task exception.
            _ = next.Exception;

            // The reader may leave while the next item is being fetched.
            await AsyncEnumeratorRelease.ReleaseAsync(items, next, stop).ConfigureAwait(false);
        }
    }

    private static TimeSpan Remaining(long closes, TimeProvider clock)
    {
        var remaining = clock.GetElapsedTime(clock.GetTimestamp(), closes);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
