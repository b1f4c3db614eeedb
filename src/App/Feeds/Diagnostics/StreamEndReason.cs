namespace Tributary.App.Feeds.Diagnostics;

/// <summary>Why a stream ended, as the stream-closed log event (and an operator searching for it) names it.</summary>
public enum StreamEndReason
{
    /// <summary>The items ran out, or the stream's item limit was reached.</summary>
    Completed,

    /// <summary>The client went away, or cancelled the stream.</summary>
    ClientLeft,

    /// <summary>A feed failed; the client got an error record or a <c>HubException</c>.</summary>
    Failed,

    /// <summary>The caller's key was revoked or expired, its token expired, or its session signed out.</summary>
    AccessEnded,

    /// <summary>The server is stopping; the client got a shutdown record.</summary>
    ServerStopping,

    /// <summary>The stream reached <c>Streaming:MaxStreamDuration</c>; the client got an end record.</summary>
    MaxDuration,
}
