namespace Tributary.App.Feeds.Requests;

/// <summary>
/// What one caller may watch: some feeds or all of them, and whether it may read the server's own metrics
/// (<c>/api/stats</c> and feeds of kind <c>system</c>); and, separately, which push feeds it may publish to. Every
/// entry point asks this one question, through <see cref="FeedRequestRules"/> for streams and the catalog's listing for
/// what it shows.
/// </summary>
public sealed class FeedPermissions
{
    private readonly HashSet<string> _feeds;
    private readonly HashSet<string> _publish;

    /// <param name="feeds">Feed names, or <c>*</c> for all of them.</param>
    /// <param name="stats">Whether the caller may read stats and <c>system</c> feeds.</param>
    /// <param name="holder">Who holds these permissions, as refusals name it (e.g. "key 'grafana'").</param>
    /// <param name="publish">Push feeds the caller may publish to, or <c>*</c> for all of them; watching one does not allow it.</param>
    public FeedPermissions(IEnumerable<string> feeds, bool stats, string holder, IEnumerable<string>? publish = null)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        _feeds = Names(feeds);
        _publish = Names(publish ?? []);
        Stats = stats;
        Holder = holder;
    }

    /// <summary>Authentication is off: everyone may watch everything and publish to every push feed.</summary>
    public static FeedPermissions Everything { get; } = new(["*"], stats: true, "anyone", publish: ["*"]);

    /// <summary>No credential, or one that was revoked or has expired.</summary>
    public static FeedPermissions Nothing { get; } = new([], stats: false, "an anonymous caller");

    public bool Stats { get; }

    public string Holder { get; }

    public bool CanWatch(FeedDefinition feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (feed.IsMercure)
        {
            // Its updates may be private to some subscribers: only the hub, which knows each update's audience, reads it.
            return false;
        }

        // The system feed is the server's own metrics: the stats permission, not a feed grant, opens it.
        return string.Equals(feed.Kind, FeedKind.System, StringComparison.Ordinal) ? Stats : Grants(_feeds, feed);
    }

    /// <summary>Whether the caller may publish to <paramref name="feed"/> (a separate grant from watching it).</summary>
    public bool CanPublish(FeedDefinition feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return !feed.IsMercure && Grants(_publish, feed);
    }

    private static bool Grants(HashSet<string> names, FeedDefinition feed) => names.Contains("*") || names.Contains(feed.Name);

    private static HashSet<string> Names(IEnumerable<string> names) =>
        new(names.Select(f => f.Trim()).Where(f => f.Length > 0), StringComparer.OrdinalIgnoreCase);
}
