namespace Tributary.App.Feeds.Requests;

/// <summary>A checked stream request: known feeds, allowed overrides and a valid position.</summary>
/// <param name="Feeds">The feeds to merge, without duplicates.</param>
/// <param name="Overrides">Counter rate and count, if the request set them.</param>
/// <param name="Limit">End the stream after this many items; <see langword="null"/> for no limit.</param>
/// <param name="Since">Where to resume each feed; empty to start live.</param>
/// <param name="Tail">For shared feeds without a position in <paramref name="Since"/>: begin with up to this many of their newest items from history.</param>
public sealed record FeedRequest(
    IReadOnlyList<FeedDefinition> Feeds,
    CounterOverrides Overrides,
    long? Limit,
    StreamPosition Since,
    int Tail = 0)
{
    /// <summary>Where <paramref name="feed"/>'s reader starts: after its position, with its tail, or live.</summary>
    public FeedStart StartOf(string feed) => Since.For(feed) is { } after ? FeedStart.Resume(after) : FeedStart.Last(Tail);
}
