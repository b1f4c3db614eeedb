namespace Tributary.App.Hubs;

/// <summary>
/// The hub streams one connection holds open, kept in the connection's items, so a client cannot open an
/// unbounded number of streams on one connection (<c>Streaming:MaxStreamsPerConnection</c>).
/// </summary>
internal sealed class ConnectionStreams
{
    public static readonly object Key = new();

    private int _open;

    /// <summary>Takes a slot; dispose the lease when the stream ends. False when the connection is at <paramref name="max"/>.</summary>
    public bool TryTake(int max, out IDisposable? lease)
    {
        if (Interlocked.Increment(ref _open) > max)
        {
            Interlocked.Decrement(ref _open);
            lease = null;
            return false;
        }

        lease = new Lease(this);
        return true;
    }

    private sealed class Lease(ConnectionStreams streams) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref streams._open);
            }
        }
    }
}
