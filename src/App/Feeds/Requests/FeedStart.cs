namespace Tributary.App.Feeds.Requests;

/// <summary>
/// Where a reader of a shared feed starts: live; after a position it had (a resume, exact); or with the feed's last
/// items from history, then live (a tail, as a log viewer opens). Both replays are followed by the live items with
/// nothing between and nothing twice.
/// </summary>
/// <param name="After">Resume after this position.</param>
/// <param name="Tail">Without <paramref name="After"/>: first replay up to this many of the newest numbers in history.</param>
public readonly record struct FeedStart(FeedPosition? After, int Tail)
{
    /// <summary>Live items only.</summary>
    public static FeedStart Live => default;

    /// <summary>Whether the reader gets items from history before the live ones.</summary>
    public bool Replays => After is not null || Tail > 0;

    /// <summary>After <paramref name="after"/>, exactly; live when it is null.</summary>
    public static FeedStart Resume(FeedPosition? after) => new(after, 0);

    /// <summary>Up to <paramref name="count"/> of the newest items in history, then live.</summary>
    public static FeedStart Last(int count) => new(null, Math.Max(0, count));

    /// <summary>A position is a resume from it; none (null) is live.</summary>
    public static implicit operator FeedStart(FeedPosition? after) => Resume(after);
}
