namespace Tributary.App.Feeds.Upstream;

/// <summary>One event read from an upstream <c>text/event-stream</c>.</summary>
/// <param name="Event">The event type (<c>message</c> when the upstream gave none).</param>
/// <param name="Id">The event id, if any.</param>
/// <param name="Data">The data: parsed JSON, or the text (lines joined with <c>\n</c>).</param>
public sealed record SseEvent(string Event, string? Id, object Data);
