namespace Tributary.App.Feeds.Requests;

/// <summary>The outcome of <see cref="FeedRequestRules.Check(FeedRequestInput, FeedPermissions)"/>.</summary>
/// <param name="Request">The checked request, or <see langword="null"/> when it was refused.</param>
/// <param name="Error">Why it was refused, in words for the client.</param>
/// <param name="HiddenFeed">
/// A feed the request named that the caller may not watch. The caller is told what it would be told of an unknown
/// feed, so a refusal never reveals that a feed exists; the server's log still records the attempt.
/// </param>
public sealed record FeedRequestCheck(FeedRequest? Request, string? Error, string? HiddenFeed = null)
{
    public void Deconstruct(out FeedRequest? request, out string? error)
    {
        request = Request;
        error = Error;
    }
}
