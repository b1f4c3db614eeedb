namespace Tributary.App.Feeds;

/// <summary>One catalog entry as <c>GET /api/feeds</c> shows it.</summary>
public sealed record FeedInfo(string Name, string Kind, string Description, double Rate)
{
    /// <summary>Whether every reader shares one producer, with history to resume from and export.</summary>
    public bool Shared { get; init; }

    /// <summary>The highest rate a reader may ask of this feed (counters), in items per second.</summary>
    public double MaxRate { get; init; }

    /// <summary>The most items a reader may ask of this feed (counters).</summary>
    public long MaxCount { get; init; }

    public static FeedInfo From(FeedDefinition feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return new FeedInfo(feed.Name, feed.Kind, feed.Description, feed.Rate) { Shared = feed.IsShared, MaxRate = feed.MaxRate, MaxCount = feed.MaxCount };
    }
}
