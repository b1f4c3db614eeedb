namespace Tributary.App.Feeds.Requests;

/// <summary>
/// What a client asked for, read from a query string or from hub arguments but not yet checked against the
/// catalog and the limits: <see cref="FeedRequestRules.Check(FeedRequestInput, FeedPermissions)"/> does that, for every entry point alike.
/// </summary>
/// <param name="Feeds">Feed names; each entry may itself be a comma-separated list.</param>
/// <param name="Rate">Counter feeds only: items per second (0 = as fast as possible).</param>
/// <param name="Count">Counter feeds only: how many items (0 = unlimited).</param>
/// <param name="Limit">End the stream after this many items.</param>
/// <param name="Since">Where to resume, <c>feed:seq[@epoch][,feed:seq[@epoch]...]</c>.</param>
/// <param name="SinceSource">Where <paramref name="Since"/> came from, as the error message names it.</param>
/// <param name="Tail">Shared feeds: begin with up to this many of their newest items from history.</param>
public sealed record FeedRequestInput(
    IEnumerable<string?> Feeds,
    double? Rate = null,
    long? Count = null,
    long? Limit = null,
    string? Since = null,
    string SinceSource = "since",
    long? Tail = null);
