namespace Tributary.Tests.Unit.Support;

/// <summary>Reading a feed item by item in a test, failing rather than hanging when it has nothing more.</summary>
internal static class AsyncEnumeratorExtensions
{
    /// <summary>The next item; fails if the source ends or sends nothing within the test's timeout.</summary>
    public static async Task<T> NextAsync<T>(this IAsyncEnumerator<T> items)
    {
        Assert.True(await items.MoveNextAsync().AsTask().DefaultTimeout());
        return items.Current;
    }

    /// <summary>The first of the next items that <paramref name="match"/> picks, passing over the others.</summary>
    public static async Task<T> SkipUntilAsync<T>(this IAsyncEnumerator<T> items, Func<T, bool> match)
    {
        while (true)
        {
            var item = await items.NextAsync();
            if (match(item))
            {
                return item;
            }
        }
    }
}
