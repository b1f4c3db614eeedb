namespace Tributary.App.Feeds;

/// <summary>One catalog entry as <c>GET /api/feeds</c> shows it.</summary>
public sealed record FeedInfo(string Name, string Kind, string Description, double Rate)
{
    /// <summary>Whether every reader shares one producer, with history to resume from and export.</summary>
    public bool Shared { get; init; }

    public static FeedInfo From(FeedDefinition feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return new FeedInfo(feed.Name, feed.Kind, feed.Description, feed.Rate) { Shared = feed.IsShared };
    }
}
