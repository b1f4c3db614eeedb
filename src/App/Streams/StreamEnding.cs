using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Records;

namespace Tributary.App.Streams;

/// <summary>
/// How a stream ended, as every entry point tells it: the reason (for the stream-closed log line and the span) and,
/// when the client is still there to read it, the last record it gets (an HTTP stream writes it; the hub sends the
/// <c>shutdown</c> and <c>end</c> records as items and the errors as a <c>HubException</c>).
/// </summary>
/// <param name="Reason">Why it ended.</param>
/// <param name="Record">The kind of the last record, or null when there is none to send.</param>
/// <param name="Feed">The feed the record is about, if one.</param>
/// <param name="Message">The record's words for the client.</param>
/// <param name="Retryable">The feed's engine could not be read: the same request shortly may succeed (503 before a body).</param>
public sealed record StreamEnding(StreamEndReason Reason, FeedControlKind? Record = null, string? Feed = null, string? Message = null, bool Retryable = false)
{
    public static StreamEnding Completed { get; } = new(StreamEndReason.Completed);

    public static StreamEnding ClientLeft { get; } = new(StreamEndReason.ClientLeft);

    /// <summary>The last record as a stream item (the hub's <c>shutdown</c> and <c>end</c>).</summary>
    public FeedItem<object> ToItem(DateTimeOffset at) => new(Feed ?? "", 0, at, new FeedControl(Record ?? FeedControlKind.End, Message ?? ""));
}
