namespace Tributary.Tests.Unit.Support;

/// <summary>One server-sent event as an EventSource dispatches it.</summary>
internal sealed record ServerSentEvent(string? Id, string Type, string Data, string? Retry);
