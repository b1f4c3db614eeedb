using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds.Requests;

/// <summary>Caps the streams one client IP holds at once, so one client cannot take every producer.</summary>
public sealed class ClientStreamLimiter(IOptions<StreamingOptions> options)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    /// <summary>Takes a slot for <paramref name="client"/>; dispose the lease when the stream ends.</summary>
    public bool TryAcquire(IPAddress? client, out IDisposable? lease)
    {
        var key = client ?? IPAddress.None;
        var limit = options.Value.MaxStreamsPerClient;
        while (true)
        {
            var current = _open.GetOrAdd(key, 0);
            if (current >= limit)
            {
                lease = null;
                return false;
            }

            if (_open.TryUpdate(key, current + 1, current))
            {
                lease = new Lease(this, key);
                return true;
            }
        }
    }

    private void Release(IPAddress key)
    {
        while (true)
        {
            var current = _open[key];
            if (current <= 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(key, current)) : _open.TryUpdate(key, current - 1, current))
            {
                return;
            }
        }
    }

    private sealed class Lease(ClientStreamLimiter limiter, IPAddress key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                limiter.Release(key);
            }
        }
    }
}
