namespace Tributary.App.Feeds.Sharing;

/// <summary>What one entry of a feed's store holds.</summary>
internal enum FeedLogEntryKind
{
    /// <summary>An item of the feed, for its readers.</summary>
    Item,

    /// <summary>Its source ended: the producer that wrote it has nothing more.</summary>
    End,

    /// <summary>Its source failed; the entry's note is the failure's message.</summary>
    Failure,
}
