namespace Tributary.Tests.Unit.Support;

internal static class AsyncEnumerableExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        await foreach (var item in source)
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>The first <paramref name="count"/> items (fewer if the source ends first); leaving disposes the source.</summary>
    public static async Task<List<T>> TakeAsync<T>(this IAsyncEnumerable<T> source, int count)
    {
        var items = new List<T>();
        await foreach (var item in source)
        {
            items.Add(item);
            if (items.Count == count)
            {
                break;
            }
        }

        return items;
    }

    /// <summary>The items up to and including the first that <paramref name="isLast"/> picks; leaving disposes the source.</summary>
    public static async Task<List<T>> TakeThroughAsync<T>(this IAsyncEnumerable<T> source, Func<T, bool> isLast)
    {
        var items = new List<T>();
        await foreach (var item in source)
        {
            items.Add(item);
            if (isLast(item))
            {
                break;
            }
        }

        return items;
    }
}
