namespace Tributary.App.Dashboard.Session;

/// <summary>Where one feed's stream is.</summary>
public enum FeedRunState
{
    /// <summary>Asked for, no record yet.</summary>
    Starting,

    /// <summary>Records are arriving.</summary>
    Live,

    /// <summary>The connection was lost; it is being opened again, to resume where it was.</summary>
    Resuming,

    /// <summary>The feed has no more items (a counter with a count, say).</summary>
    Ended,

    /// <summary>The server refused the stream or the feed failed; see the run's problem.</summary>
    Failed,
}
