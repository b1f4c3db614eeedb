using System.Runtime.CompilerServices;
using Tributary.Streaming.Producers;

namespace Tributary.Streaming.Merging;

/// <summary>Fan-in of several named feeds into one stream.</summary>
public static class FeedMerge
{
    /// <summary>
    /// Merges <paramref name="sources"/> through one <see cref="ScopedProducer{T}"/>: each feed runs as a
    /// producer, and items arrive in the order the feeds produce them, labelled with the feed's name and a
    /// per-feed sequence number.
    /// </summary>
    /// <remarks>
    /// No feed can starve the others: writers waiting on the full channel are admitted in arrival order, so
    /// once a slow feed has an item ready, at most the channel's capacity plus one item per other feed
    /// arrive before it. The merge ends when every feed has ended; a feed's failure cancels the others and is
    /// rethrown to the consumer. Breaking out of the enumeration, or cancelling it, stops every feed before
    /// the enumerator's <c>DisposeAsync</c> returns.
    /// </remarks>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="sources">The feeds to merge. Names need not be unique.</param>
    /// <param name="options">Capacity and counters for the underlying scope; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">Stamps each item's <see cref="FeedItem{T}.Timestamp"/>; <see langword="null"/> for the system clock.</param>
    /// <param name="cancellationToken">Cancels every feed and ends the merge with an <see cref="OperationCanceledException"/>.</param>
    /// <returns>The merged items.</returns>
    public static async IAsyncEnumerable<FeedItem<T>> MergeAsync<T>(
        IReadOnlyList<FeedSource<T>> sources,
        ScopedProducerOptions? options = null,
        TimeProvider? timeProvider = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var clock = timeProvider ?? TimeProvider.System;
        var scope = new ScopedProducer<FeedItem<T>>(options, cancellationToken);
        await using (scope.ConfigureAwait(false))
        {
            foreach (var source in sources)
            {
                scope.Start((writer, token) => PumpAsync(source, writer, clock, token));
            }

            await foreach (var item in scope.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// Merges sources whose items are already labelled (for example subscriptions to shared feeds that
    /// number their own items) through one <see cref="ScopedProducer{T}"/>, with the same teardown,
    /// failure and fairness behaviour as <see cref="MergeAsync{T}"/>.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="sources">Opens each source; the token is cancelled when the merge tears down.</param>
    /// <param name="options">Capacity and counters for the underlying scope; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels every source and ends the merge with an <see cref="OperationCanceledException"/>.</param>
    /// <returns>The merged items, unchanged.</returns>
    public static async IAsyncEnumerable<FeedItem<T>> MergeLabelledAsync<T>(
        IReadOnlyList<Func<CancellationToken, IAsyncEnumerable<FeedItem<T>>>> sources,
        ScopedProducerOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var scope = new ScopedProducer<FeedItem<T>>(options, cancellationToken);
        await using (scope.ConfigureAwait(false))
        {
            foreach (var source in sources)
            {
                scope.Start(source);
            }

            await foreach (var item in scope.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    private static async Task PumpAsync<T>(FeedSource<T> source, ProducerWriter<FeedItem<T>> writer, TimeProvider clock, CancellationToken cancellationToken)
    {
        long sequence = 0;
        await foreach (var data in source.Open(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var item = new FeedItem<T>(source.Name, ++sequence, clock.GetUtcNow(), data);
            await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
    }
}
