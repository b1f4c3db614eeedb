namespace Tributary.App.Feeds.Upstream;

/// <summary>An upstream feed's item about itself: connected, disconnected, reconnecting, or a malformed message skipped.</summary>
/// <param name="Status"><c>connected</c>, <c>disconnected</c>, <c>reconnecting</c> or <c>malformed</c>.</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="Attempt">For <c>reconnecting</c>: the attempt number, from 1.</param>
public sealed record UpstreamStatus(string Status, string Message, int Attempt = 0);
