using System.Text.Json;
using Tributary.App.Endpoints;
using Tributary.Streaming.Merging;

namespace Tributary.App.Dashboard;

/// <summary>What the dashboard needs from a feed server. The real one talks to the hub; tests use a fake.</summary>
public interface IFeedClient : IAsyncDisposable
{
    FeedConnectionState State { get; }

    /// <summary>Raised, on any thread, when <see cref="State"/> changes.</summary>
    event Action? StateChanged;

    Task<IReadOnlyList<FeedInfo>> GetCatalogAsync(CancellationToken cancellationToken);

    /// <summary>Streams the merged feeds until <paramref name="cancellationToken"/> is cancelled, which stops the server's producers.</summary>
    IAsyncEnumerable<FeedItem<JsonElement>> StreamAsync(IReadOnlyList<string> feeds, CancellationToken cancellationToken);

    /// <summary>The server's live counters, or <see langword="null"/> if they could not be read.</summary>
    Task<ServerStats?> GetServerStatsAsync(CancellationToken cancellationToken);
}

public enum FeedConnectionState
{
    Disconnected,
    Connecting,
    Connected,
    Reconnecting,
}

/// <summary>The part of <c>GET /api/stats</c> the dashboard shows.</summary>
public sealed record ServerStats(long ActiveStreams, long ActiveProducers, long ActiveCircuits);
