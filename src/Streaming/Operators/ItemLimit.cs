using System.Runtime.CompilerServices;
using Tributary.Streaming.Records;

namespace Tributary.Streaming.Operators;

/// <summary>Ends a stream of feed items after a number of items.</summary>
public static class ItemLimit
{
    /// <summary>
    /// Yields everything up to and including the <paramref name="count"/>th item, then ends. Control records
    /// (<see cref="FeedControl"/>) pass through without counting.
    /// </summary>
    /// <remarks>Ending early disposes <paramref name="source"/>, which for a merged stream stops every feed.
    /// A failure of the source reaches the reader after the items before it.</remarks>
    /// <typeparam name="T">The items' data type.</typeparam>
    /// <param name="source">The items.</param>
    /// <param name="count">How many items to take; 0 or less ends at once.</param>
    /// <param name="cancellationToken">Stops the enumeration and the source.</param>
    /// <returns>At most <paramref name="count"/> items, with the control records among them.</returns>
    public static async IAsyncEnumerable<FeedItem<T>> TakeItems<T>(
        this IAsyncEnumerable<FeedItem<T>> source,
        long count,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (count <= 0)
        {
            yield break;
        }

        long taken = 0;
        await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
            if (item.Data is not FeedControl && ++taken == count)
            {
                yield break;
            }
        }
    }
}
