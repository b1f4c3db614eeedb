using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// A feed client whose streams the test writes to, one channel per feed that outlives a stream (so a resumed
/// stream reads on where the lost one stopped), and which reports when its streams are cancelled.
/// </summary>
internal sealed class FakeFeedClient : IFeedClient
{
    private readonly ConcurrentDictionary<string, Channel<object>> _feeds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private readonly List<(long Count, TaskCompletionSource Reached)> _consumedWaiters = [];
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _requested = new(StringComparer.Ordinal);
    private long _consumed;
    private int _open;

    public event Action? StateChanged;

    public FeedConnectionState State { get; private set; } = FeedConnectionState.Connected;

    public IReadOnlyList<FeedInfo> Catalog { get; init; } =
    [
        new("news", "news", "Headlines", 0.5) { Shared = true },
        new("weather", "weather", "Stations", 1) { Shared = true },
        new("ticker", "ticker", "Quotes", 4) { Shared = true },
        new("system", "system", "Server metrics", 1) { Shared = true },
        new("counter", "counter", "Numbers", 10) { MaxRate = 1000, MaxCount = 5000 },
    ];

    /// <summary>Every stream asked for, in order.</summary>
    public ConcurrentQueue<(string Feed, FeedStreamSettings Settings)> StreamRequests { get; } = new();

    public TaskCompletionSource StreamRequested { get; } = TestTimeouts.NewSignal();

    public TaskCompletionSource StreamCancelled { get; } = TestTimeouts.NewSignal();

    /// <summary>Streams open right now.</summary>
    public int OpenStreams => Volatile.Read(ref _open);

    /// <summary>Streams of these feeds are refused with the given exception.</summary>
    public ConcurrentDictionary<string, Exception> Refuse { get; } = new(StringComparer.Ordinal);

    public Func<StreamStatsSnapshot?> Stats { get; set; } = () => new StreamStatsSnapshot("memory", "test-1", 7, 3, 1, 2, 100,
        new Dictionary<string, EndpointStatsSnapshot>(), new Dictionary<string, SharedFeedSnapshot>());

    /// <summary>The epoch written on shared feeds' records.</summary>
    public string Epoch { get; set; } = "e1";

    /// <summary>Completes once the dashboard has taken (and handled) at least <paramref name="count"/> records.</summary>
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

    /// <summary>Completes once a stream of <paramref name="feed"/> has been asked for.</summary>
    public Task WaitForStreamRequestAsync(string feed) => Requested(feed).Task.DefaultTimeout();

    public Task<IReadOnlyList<FeedInfo>> GetCatalogAsync(CancellationToken cancellationToken) => Task.FromResult(Catalog);

    public async IAsyncEnumerable<FeedRecord> StreamAsync(string feed, FeedStreamSettings settings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StreamRequests.Enqueue((feed, settings));
        StreamRequested.TrySetResult();
        Requested(feed).TrySetResult();
        Interlocked.Increment(ref _open);
        using var registration = cancellationToken.Register(() => StreamCancelled.TrySetResult());
        try
        {
            if (Refuse.TryGetValue(feed, out var refusal))
            {
                throw refusal;
            }

            await foreach (var next in FeedChannel(feed).Reader.ReadAllAsync(cancellationToken))
            {
                if (next is Exception lost)
                {
                    throw lost;
                }

                yield return (FeedRecord)next;
                // Counted once the reader asks for the next record, so it has done with this one.
                CountConsumed();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    public Task<StreamStatsSnapshot?> GetServerStatsAsync(CancellationToken cancellationToken) => Task.FromResult(Stats());

    /// <summary>Writes a data record to <paramref name="feed"/>'s stream, numbered after the last.</summary>
    public FeedRecord Write(string feed, string json) => WriteRecord(feed, json, type: null);

    /// <summary>Writes a data record produced at <paramref name="at"/> (before the stream opened: an item of history).</summary>
    public FeedRecord WriteAt(string feed, string json, DateTimeOffset at) => WriteRecord(feed, json, type: null, at);

    /// <summary>Writes a control or status record, e.g. <c>gap</c> with <c>{"skipped":3,"message":"…"}</c>.</summary>
    public FeedRecord WriteControl(string feed, string type, string json) => WriteRecord(feed, json, type);

    /// <summary>The current stream of <paramref name="feed"/> fails as a lost connection would.</summary>
    public void Lose(string feed) => FeedChannel(feed).Writer.TryWrite(new IOException("The remote party closed the WebSocket connection without completing the close handshake."));

    /// <summary>The current stream of <paramref name="feed"/> ends: the feed has no more items.</summary>
    public void End(string feed) => FeedChannel(feed).Writer.TryComplete();

    public void SetState(FeedConnectionState state)
    {
        State = state;
        StateChanged?.Invoke();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private FeedRecord WriteRecord(string feed, string json, string? type, DateTimeOffset? at = null)
    {
        var shared = Catalog.FirstOrDefault(f => f.Name == feed)?.Shared == true;
        var record = new FeedRecord(feed, _sequences.AddOrUpdate(feed, 1, (_, s) => s + 1), at ?? DateTimeOffset.UtcNow, JsonDocument.Parse(json).RootElement)
        {
            Epoch = shared ? Epoch : null,
            Type = type,
        };
        FeedChannel(feed).Writer.TryWrite(record);
        return record;
    }

    private TaskCompletionSource Requested(string feed) => _requested.GetOrAdd(feed, _ => TestTimeouts.NewSignal());

    private Channel<object> FeedChannel(string feed) => _feeds.GetOrAdd(feed, _ => Channel.CreateUnbounded<object>());

    private void CountConsumed()
    {
        lock (_consumedWaiters)
        {
            _consumed++;
            _consumedWaiters.RemoveAll(w => w.Count <= _consumed && w.Reached.TrySetResult());
        }
    }
}
