using System.Runtime.CompilerServices;
using Tributary.Streaming.Merging;

namespace Tributary.App.Endpoints;

internal static class AsyncLimit
{
    /// <summary>
    /// Everything up to and including the <paramref name="count"/>th item; control records (gap, reset) pass
    /// without counting. Stopping early disposes the source, which stops its producers.
    /// </summary>
    public static async IAsyncEnumerable<FeedItem<object>> TakeItems(this IAsyncEnumerable<FeedItem<object>> source, long count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (count <= 0)
        {
            yield break;
        }

        long taken = 0;
        await foreach (var item in source.WithCancellation(cancellationToken))
        {
            yield return item;
            if (item.Data is not FeedControl && ++taken == count)
            {
                yield break;
            }
        }
    }
}
