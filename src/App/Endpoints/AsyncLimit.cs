using System.Runtime.CompilerServices;

namespace Tributary.App.Endpoints;

internal static class AsyncLimit
{
    /// <summary>The first <paramref name="count"/> items; stopping early disposes the source, which stops its producers.</summary>
    public static async IAsyncEnumerable<T> Take<T>(this IAsyncEnumerable<T> source, long count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (count <= 0)
        {
            yield break;
        }

        long taken = 0;
        await foreach (var item in source.WithCancellation(cancellationToken))
        {
            yield return item;
            if (++taken == count)
            {
                yield break;
            }
        }
    }
}
