using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Feeds.Sharing;

/// <summary>The wire names of <see cref="FeedState"/>, and the state an upstream's status record puts a feed in.</summary>
public static class FeedStates
{
    public static string Name(this FeedState state) => state switch
    {
        FeedState.Idle => "idle",
        FeedState.Running => "running",
        FeedState.Unavailable => "unavailable",
        FeedState.Connected => UpstreamStatus.Connected,
        FeedState.Disconnected => UpstreamStatus.Disconnected,
        FeedState.Reconnecting => UpstreamStatus.Reconnecting,
        FeedState.Stalled => UpstreamStatus.Stalled,
        FeedState.Redirected => UpstreamStatus.Redirected,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Whether the state says the feed's upstream is down (the feed runs, but brings nothing in).</summary>
    public static bool IsUpstreamDown(this FeedState state) => state is FeedState.Disconnected or FeedState.Reconnecting or FeedState.Stalled or FeedState.Redirected;

    /// <summary>The state an upstream's status record means, or null for an event (something skipped, a file rotated).</summary>
    public static FeedState? Of(UpstreamStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Status switch
        {
            UpstreamStatus.Connected => FeedState.Connected,
            UpstreamStatus.Disconnected => FeedState.Disconnected,
            UpstreamStatus.Reconnecting => FeedState.Reconnecting,
            UpstreamStatus.Stalled => FeedState.Stalled,
            UpstreamStatus.Redirected => FeedState.Redirected,
            _ => null,
        };
    }
}
