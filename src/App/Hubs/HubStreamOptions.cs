namespace Tributary.App.Hubs;

/// <summary>Optional settings of <see cref="FeedHub.StreamWith"/>, as the raw endpoint's query parameters.</summary>
/// <param name="Rate">Counter feeds only: items per second (0 = as fast as possible).</param>
/// <param name="Count">Counter feeds only: how many items (0 = unlimited).</param>
/// <param name="Limit">End the stream after this many items.</param>
/// <param name="Since">Resume from a position, <c>feed:seq[@epoch][,feed:seq[@epoch]...]</c>, as the raw endpoint's <c>since</c>.</param>
/// <param name="Tail">Shared feeds without a position: begin with up to this many of their newest items, as the raw endpoint's <c>tail</c>.</param>
public sealed record HubStreamOptions(double? Rate = null, long? Count = null, long? Limit = null, string? Since = null, long? Tail = null);
