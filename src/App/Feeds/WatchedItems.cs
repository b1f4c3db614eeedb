namespace Tributary.App.Feeds;

/// <summary>
/// Items whose enumeration is watched: <c>started</c> when it begins, <c>ended</c> exactly once when it is disposed,
/// even if it never read an item (an async iterator disposed before its first read never runs its <c>finally</c>).
/// Passes every call straight through, so it adds no state machine to a stream's path.
/// </summary>
internal sealed class WatchedItems<T>(IAsyncEnumerable<T> items, Action? started, Action ended) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        // Counted first, so that a source that throws here is counted out exactly as often as it was counted in.
        started?.Invoke();
        IAsyncEnumerator<T> inner;
        try
        {
            inner = items.GetAsyncEnumerator(cancellationToken);
        }
        catch
        {
            ended();
            throw;
        }

        return new Enumerator(inner, ended);
    }

    private sealed class Enumerator(IAsyncEnumerator<T> inner, Action ended) : IAsyncEnumerator<T>
    {
        private int _disposed;

        public T Current => inner.Current;

        public ValueTask<bool> MoveNextAsync() => inner.MoveNextAsync();

        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    ended();
                }
            }
        }
    }
}
