using System.Text.Json.Serialization;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// An upstream feed's item about itself. Its message is written for every reader: it names the upstream by
/// scheme, host, port and path (or a file by its name) and never carries credentials or exception text.
/// </summary>
/// <param name="Status">One of the constants below.</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="Attempt">For <c>reconnecting</c>: the attempt number, from 1.</param>
public sealed record UpstreamStatus(string Status, string Message, int Attempt = 0)
{
    /// <summary>States: the connection's state is the feed's state.</summary>
    public const string Connected = "connected";

    public const string Disconnected = "disconnected";

    public const string Reconnecting = "reconnecting";

    /// <summary>No byte for <c>IdleTimeout</c>: the connection is replaced.</summary>
    public const string Stalled = "stalled";

    /// <summary>The upstream answered with a redirect that is not followed.</summary>
    public const string Redirected = "redirected";

    /// <summary>Events: something was skipped or started over, the connection goes on.</summary>
    public const string Malformed = "malformed";

    public const string Oversize = "oversize";

    public const string Truncated = "truncated";

    public const string Rotated = "rotated";

    /// <summary>Messages the source had are missing: it removed them before they were read, or they came faster than they could be kept.</summary>
    public const string Missed = "missed";

    /// <summary>For <c>reconnecting</c>: the delay before the attempt, in milliseconds.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DelayMs { get; init; }

    /// <summary>For <c>oversize</c>: the size of the skipped item, in bytes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Bytes { get; init; }

    /// <summary>Whether the status is a connection state rather than an event.</summary>
    [JsonIgnore]
    public bool IsState => Status is Connected or Disconnected or Reconnecting or Stalled or Redirected;
}
