namespace Tributary.App.Feeds.Requests;

/// <summary>
/// What one caller may watch: some feeds or all of them, and whether it may read the server's own metrics
/// (<c>/api/stats</c> and feeds of kind <c>system</c>). Every entry point asks this one question, through
/// <see cref="FeedRequestRules"/> for streams and the catalog's listing for what it shows.
/// </summary>
public sealed class FeedPermissions
{
    private readonly HashSet<string> _feeds;
    private readonly bool _allFeeds;

    /// <param name="feeds">Feed names, or <c>*</c> for all of them.</param>
    /// <param name="stats">Whether the caller may read stats and <c>system</c> feeds.</param>
    /// <param name="holder">Who holds these permissions, as refusals name it (e.g. "key 'grafana'").</param>
    public FeedPermissions(IEnumerable<string> feeds, bool stats, string holder)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        _feeds = new HashSet<string>(feeds.Select(f => f.Trim()).Where(f => f.Length > 0), StringComparer.OrdinalIgnoreCase);
        _allFeeds = _feeds.Contains("*");
        Stats = stats;
        Holder = holder;
    }

    /// <summary>Authentication is off: everyone may watch everything.</summary>
    public static FeedPermissions Everything { get; } = new(["*"], stats: true, "anyone");

    /// <summary>No credential, or one that was revoked or has expired.</summary>
    public static FeedPermissions Nothing { get; } = new([], stats: false, "an anonymous caller");

    public bool Stats { get; }

    public string Holder { get; }

    public bool CanWatch(FeedDefinition feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        // The system feed is the server's own metrics: the stats permission, not a feed grant, opens it.
        return string.Equals(feed.Kind, FeedKind.System, StringComparison.Ordinal) ? Stats : _allFeeds || _feeds.Contains(feed.Name);
    }
}
