using System.Text.Json;
using Tributary.App.Feeds;
using Tributary.Streaming.Records;

namespace Tributary.App.Dashboard.Client;

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
