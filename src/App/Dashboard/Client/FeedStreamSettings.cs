namespace Tributary.App.Dashboard.Client;

/// <summary>What one dashboard stream asks of the hub beyond its feed.</summary>
/// <param name="Rate">Counter feeds: items per second, or null for the feed's own.</param>
/// <param name="Count">Counter feeds: how many items, or null for the feed's own.</param>
/// <param name="Since">Shared feeds: resume after this position (<c>seq</c> or <c>seq@epoch</c>), or null for live items only.</param>
/// <param name="Tail">Shared feeds without <paramref name="Since"/>: begin with up to this many of the newest items from history.</param>
public sealed record FeedStreamSettings(double? Rate = null, long? Count = null, string? Since = null, int Tail = 0);
