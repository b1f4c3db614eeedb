using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.App.Dashboard.Client;

/// <summary>What the dashboard needs from a feed server. The real one talks to the hub; tests use a fake.</summary>
public interface IFeedClient : IAsyncDisposable
{
    FeedConnectionState State { get; }

    /// <summary>Raised, on any thread, when <see cref="State"/> changes.</summary>
    event Action? StateChanged;

    Task<IReadOnlyList<FeedInfo>> GetCatalogAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Streams one feed until it ends or <paramref name="cancellationToken"/> is cancelled, which stops its producer on
    /// the server. Bad settings fail with a <see cref="Microsoft.AspNetCore.SignalR.HubException"/>; a lost connection
    /// with any other exception.
    /// </summary>
    IAsyncEnumerable<FeedRecord> StreamAsync(string feed, FeedStreamSettings settings, CancellationToken cancellationToken);

    /// <summary>The server's live counters (<c>/api/stats</c>), or <see langword="null"/> if they could not be read (or this user may not).</summary>
    Task<StreamStatsSnapshot?> GetServerStatsAsync(CancellationToken cancellationToken);
}
