using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// The control records a shared feed tells its readers, worded once for every engine: where numbers the reader will
/// not get were (a <c>reset</c> past trimmed history, another epoch, a position ahead of the feed) and the engine's
/// own state (<c>engine</c>).
/// </summary>
internal static class FeedRecords
{
    /// <summary>The items after <paramref name="after"/> up to <paramref name="next"/> − 1 left the history; the reader continues at <paramref name="next"/>.</summary>
    public static FeedItem<object> Trimmed(FeedDefinition feed, long after, long next, string epoch, DateTimeOffset at, bool boundedByBytes) =>
        Reset(feed, next - 1, epoch, at, ResetReasons.Trimmed, $"{next - after - 1} items of feed '{feed.Name}' after seq {after} are no longer in history (it keeps the last {feed.HistoryLength} items{(boundedByBytes ? $", up to {feed.HistoryMaxBytes} bytes" : "")}{(feed.HistoryRetention is { } retention ? $", for {retention}" : "")}); resuming from seq {next}.");

    /// <summary>
    /// The items after <paramref name="after"/> up to <paramref name="next"/> − 1 are missing from within the history
    /// (the memory engine's history lets a status record give way to data when full, and does not keep an item larger
    /// than its byte bound); the reader continues at <paramref name="next"/>.
    /// </summary>
    public static FeedItem<object> NotKept(FeedDefinition feed, long after, long next, string epoch, DateTimeOffset at) =>
        Reset(feed, next - 1, epoch, at, ResetReasons.NotKept, $"{next - after - 1} items of feed '{feed.Name}' after seq {after} were not kept in history (a status record gives way to data when history is full, and an item larger than its {feed.HistoryMaxBytes}-byte bound is not kept); resuming from seq {next}.");

    /// <summary>The reader's position was numbered in another epoch; it continues live after <paramref name="head"/>.</summary>
    public static FeedItem<object> AnotherEpoch(FeedDefinition feed, string position, long head, string epoch, DateTimeOffset at) =>
        Reset(feed, head, epoch, at, ResetReasons.Epoch, $"Position {position} is from another epoch of feed '{feed.Name}' (its numbering started over: the server restarted or its log was created afresh; now epoch {epoch}); resuming live after seq {head}.");

    /// <summary>The reader's position is beyond anything the feed numbered; it continues live after <paramref name="head"/>.</summary>
    public static FeedItem<object> Ahead(FeedDefinition feed, long position, long head, string epoch, DateTimeOffset at) =>
        Reset(feed, head, epoch, at, ResetReasons.Ahead, $"Position {position} is ahead of feed '{feed.Name}', which is at {head}; resuming live.");

    /// <summary>The feed's numbering started over under a running stream (its log was replaced).</summary>
    public static FeedItem<object> StartedOver(FeedDefinition feed, string previousEpoch, long head, string epoch, DateTimeOffset at) =>
        Reset(feed, head, epoch, at, ResetReasons.StartedOver, $"The log of feed '{feed.Name}' started over (epoch {previousEpoch} is gone, now {epoch}: the database was replaced or its tables dropped); resuming live after seq {head}.");

    /// <summary>The engine's storage became unavailable, or is back.</summary>
    public static FeedItem<object> Engine(FeedDefinition feed, bool available, long position, string epoch, DateTimeOffset at) =>
        new(feed.Name, position, at, new FeedControl(FeedControlKind.Engine, available
            ? $"The database behind feed '{feed.Name}' is back; the stream continues (a gap or reset record marks items that were lost)."
            : $"The database behind feed '{feed.Name}' is unavailable; this stream waits for it and continues when it is back.")
        {
            Status = available ? "recovered" : "unavailable",
        })
        { Epoch = epoch };

    // A reset's seq is the one the reader's numbering continues after.
    private static FeedItem<object> Reset(FeedDefinition feed, long sequence, string epoch, DateTimeOffset at, string reason, string message) =>
        new(feed.Name, sequence, at, new FeedControl(FeedControlKind.Reset, message) { Reason = reason }) { Epoch = epoch };
}
