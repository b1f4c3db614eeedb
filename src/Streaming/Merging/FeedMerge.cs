using System.Runtime.CompilerServices;
using Tributary.Streaming.Internal;
using Tributary.Streaming.Producers;
using Tributary.Streaming.Records;

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
    /// Items a feed has ready back to back travel through the channel together, as one run of up to
    /// 64 items (fewer for small capacities; at most <see cref="ScopedProducerOptions.Capacity"/> items wait in
    /// all), and a run is sent the moment its feed has to wait, so batching never delays an item.
    /// No feed can starve the others: writers waiting on the full channel are admitted in arrival order, so
    /// once a slow feed has an item ready, at most the channel's capacity plus one run per other feed
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
        IReadOnlyList<NamedFeed<T>> sources,
        ScopedProducerOptions? options = null,
        TimeProvider? timeProvider = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var clock = timeProvider ?? TimeProvider.System;
        var labelled = sources
            .Select(source => (Func<CancellationToken, IAsyncEnumerable<FeedItem<T>>>)(token => LabelAsync(source, clock, token)))
            .ToList();
        await foreach (var item in MergeLabelledAsync(labelled, options, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
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
        options ??= new ScopedProducerOptions();
        var maxRun = Math.Clamp(options.Capacity / 16, 1, 64);
        var scope = new ScopedProducer<ItemRun<FeedItem<T>>>(options with { Capacity = Math.Max(1, options.Capacity / maxRun) }, cancellationToken);
        await using (scope.ConfigureAwait(false))
        {
            foreach (var source in sources)
            {
                scope.Start((writer, token) => RunPump.CopyAsync(source(token), writer, maxRun, token));
            }

            await foreach (var run in scope.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < run.Count; i++)
                {
                    yield return run.Items[i];
                }
            }
        }
    }

    private static async IAsyncEnumerable<FeedItem<T>> LabelAsync<T>(NamedFeed<T> source, TimeProvider clock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long sequence = 0;
        await foreach (var data in source.Open(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new FeedItem<T>(source.Name, ++sequence, clock.GetUtcNow(), data);
        }
    }
}
