using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds;
using Tributary.Streaming.Records;

namespace Tributary.Tests.Unit.Support;

/// <summary>A feed client whose stream the test writes to, and which reports when its stream is cancelled.</summary>
internal sealed class FakeFeedClient : IFeedClient
{
    private readonly Channel<FeedItem<JsonElement>> _items = Channel.CreateUnbounded<FeedItem<JsonElement>>();
    private long _sequence;

    public event Action? StateChanged;

    public FeedConnectionState State { get; private set; } = FeedConnectionState.Connected;

    public IReadOnlyList<FeedInfo> Catalog { get; init; } =
    [
        new("news", "news", "Headlines", 0.5),
        new("weather", "weather", "Stations", 1),
        new("ticker", "ticker", "Quotes", 4),
        new("system", "system", "Server metrics", 1),
        new("counter", "counter", "Numbers", 10),
    ];

    public ConcurrentQueue<IReadOnlyList<string>> StreamRequests { get; } = new();

    public TaskCompletionSource StreamRequested { get; } = TestTimeouts.NewSignal();

    public TaskCompletionSource StreamCancelled { get; } = TestTimeouts.NewSignal();

    public Exception? FailStreamWith { get; set; }

    private readonly List<(long Count, TaskCompletionSource Reached)> _consumedWaiters = [];
    private long _consumed;

    /// <summary>Completes once the dashboard has taken at least <paramref name="count"/> items.</summary>
    public Task WaitForConsumedAsync(long count)
    {
        lock (_consumedWaiters)
        {
            if (_consumed >= count)
            {
                return Task.CompletedTask;
            }

            var reached = TestTimeouts.NewSignal();
            _consumedWaiters.Add((count, reached));
            return reached.Task.DefaultTimeout();
        }
    }

    private void CountConsumed()
    {
        lock (_consumedWaiters)
        {
            _consumed++;
            _consumedWaiters.RemoveAll(w => w.Count <= _consumed && w.Reached.TrySetResult());
        }
    }

    public Task<IReadOnlyList<FeedInfo>> GetCatalogAsync(CancellationToken cancellationToken) => Task.FromResult(Catalog);

    public async IAsyncEnumerable<FeedItem<JsonElement>> StreamAsync(IReadOnlyList<string> feeds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StreamRequests.Enqueue(feeds);
        StreamRequested.TrySetResult();
        using var registration = cancellationToken.Register(() => StreamCancelled.TrySetResult());
        if (FailStreamWith is { } failure)
        {
            throw failure;
        }

        await foreach (var item in _items.Reader.ReadAllAsync(cancellationToken))
        {
            CountConsumed();
            yield return item;
        }
    }

    public Task<ServerStats?> GetServerStatsAsync(CancellationToken cancellationToken) => Task.FromResult<ServerStats?>(new ServerStats(7, 3, 1));

    public void Write(string feed, string json) =>
        _items.Writer.TryWrite(new FeedItem<JsonElement>(feed, Interlocked.Increment(ref _sequence), DateTimeOffset.UtcNow, JsonDocument.Parse(json).RootElement));

    public void EndStream() => _items.Writer.TryComplete();

    public void SetState(FeedConnectionState state)
    {
        State = state;
        StateChanged?.Invoke();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
