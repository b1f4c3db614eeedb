using System.Runtime.CompilerServices;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// A real feed client with a window on its streams: the test waits for a record the dashboard has taken in. A
/// record counts once its reader asked for the next one, so whatever the reader does with a record is done by then.
/// </summary>
internal sealed class WatchedFeedClient(IFeedClient inner) : IFeedClient
{
    private readonly Lock _gate = new();
    private readonly List<FeedRecord> _taken = [];
    private readonly List<(Func<FeedRecord, bool> Match, TaskCompletionSource<FeedRecord> Found)> _waiters = [];

    public event Action? StateChanged
    {
        add => inner.StateChanged += value;
        remove => inner.StateChanged -= value;
    }

    public FeedConnectionState State => inner.State;

    public Task<IReadOnlyList<FeedInfo>> GetCatalogAsync(CancellationToken cancellationToken) => inner.GetCatalogAsync(cancellationToken);

    public Task<StreamStatsSnapshot?> GetServerStatsAsync(CancellationToken cancellationToken) => inner.GetServerStatsAsync(cancellationToken);

    public async IAsyncEnumerable<FeedRecord> StreamAsync(string feed, FeedStreamSettings settings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in inner.StreamAsync(feed, settings, cancellationToken))
        {
            yield return record;
            Taken(record);
        }
    }

    /// <summary>The first record taken in that matches, now or later.</summary>
    public Task<FeedRecord> WaitForAsync(Func<FeedRecord, bool> match)
    {
        lock (_gate)
        {
            if (_taken.FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }

            var waiter = TestTimeouts.NewSignal<FeedRecord>();
            _waiters.Add((match, waiter));
            return waiter.Task;
        }
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Taken(FeedRecord record)
    {
        lock (_gate)
        {
            _taken.Add(record);
            foreach (var waiter in _waiters.Where(w => w.Match(record)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(record);
            }
        }
    }
}
