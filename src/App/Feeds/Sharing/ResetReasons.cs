namespace Tributary.App.Feeds.Sharing;

/// <summary>The <c>reason</c> of a <c>reset</c> record: why a reader's numbering continues elsewhere.</summary>
public static class ResetReasons
{
    /// <summary>The items after the reader's position left the history (it keeps only so many, for so long).</summary>
    public const string Trimmed = "trimmed";

    /// <summary>Items inside the history were not kept (an item over the byte bound, a status record that gave way).</summary>
    public const string NotKept = "not-kept";

    /// <summary>The reader's position is from another numbering of the feed (the server restarted).</summary>
    public const string Epoch = "epoch";

    /// <summary>The reader's position is beyond anything the feed numbered.</summary>
    public const string Ahead = "ahead";

    /// <summary>The feed's log started over under a running stream.</summary>
    public const string StartedOver = "started-over";

    /// <summary>The feed runs privately for each stream (a counter, or a request with rate or count): it keeps no history.</summary>
    public const string Private = "private";

    public static readonly string[] All = [Trimmed, NotKept, Epoch, Ahead, StartedOver, Private];
}
