namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// What a shared feed is doing on this instance, as <c>/api/stats</c>, the system feed and the health checks tell
/// it: no producer, a producer running, its engine's storage unreachable, or (for an upstream feed) the state of its
/// connection. The wire names are lower case: <c>idle</c>, <c>running</c>, <c>unavailable</c>, <c>connected</c>…
/// </summary>
public enum FeedState
{
    Idle,
    Running,
    Unavailable,
    Connected,
    Disconnected,
    Reconnecting,
    Stalled,
    Redirected,
}
