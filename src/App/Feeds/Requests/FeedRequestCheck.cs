namespace Tributary.App.Feeds.Requests;

/// <summary>The outcome of <see cref="FeedRequestRules.Check(FeedRequestInput, FeedPermissions)"/>.</summary>
/// <param name="Request">The checked request, or <see langword="null"/> when it was refused.</param>
/// <param name="Error">Why it was refused, in words for the client.</param>
/// <param name="Forbidden">It was refused because the caller may not watch a feed (403), not for bad input (400).</param>
public sealed record FeedRequestCheck(FeedRequest? Request, string? Error, bool Forbidden = false)
{
    public void Deconstruct(out FeedRequest? request, out string? error)
    {
        request = Request;
        error = Error;
    }
}
