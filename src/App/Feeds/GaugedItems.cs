using Tributary.Streaming.Diagnostics;

namespace Tributary.App.Feeds;

/// <summary>
/// Items counted in a gauge while they are being read: up from the start of the enumeration to its disposal. Passes
/// every call straight through, so it adds no state machine to a stream's path.
/// </summary>
internal sealed class GaugedItems<T>(IAsyncEnumerable<T> items, ActivityGauge gauge) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var inner = items.GetAsyncEnumerator(cancellationToken);
        gauge.Increment();
        return new Enumerator(inner, gauge);
    }

    private sealed class Enumerator(IAsyncEnumerator<T> inner, ActivityGauge gauge) : IAsyncEnumerator<T>
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
                    gauge.Decrement();
                }
            }
        }
    }
}
