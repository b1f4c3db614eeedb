using Tributary.App.Dashboard.Client;

namespace Tributary.App.Dashboard.State;

/// <summary>What the status bar shows, as of one render.</summary>
/// <param name="Ready">Whether the page is connected and the catalog loaded.</param>
/// <param name="Unreachable">Whether the feed server could not be reached at all.</param>
/// <param name="Connection">The hub connection's state.</param>
/// <param name="Running">Whether the selection streams.</param>
/// <param name="Paused">Whether the view stands still.</param>
/// <param name="NewWhilePaused">Items that arrived since Pause.</param>
/// <param name="Resuming">Streams waiting to reconnect.</param>
/// <param name="LastItemAt">When the last item arrived.</param>
/// <param name="ItemsPerSecond">Live items in the last second.</param>
/// <param name="TotalItems">Items received since Start or Clear.</param>
/// <param name="Announcement">What a screen reader is told.</param>
public sealed record StreamStatus(
    bool Ready,
    bool Unreachable,
    FeedConnectionState Connection,
    bool Running,
    bool Paused,
    long NewWhilePaused,
    int Resuming,
    DateTimeOffset? LastItemAt,
    double ItemsPerSecond,
    long TotalItems,
    string Announcement);
