namespace Tributary.App.Feeds.Sharing;

/// <summary>What a shared feed does with a subscriber that cannot keep up.</summary>
public enum OverflowPolicy
{
    /// <summary>Drop the subscriber's oldest waiting items and send it a <c>gap</c> record saying how many.</summary>
    DropOldest,

    /// <summary>End the subscriber's stream with an error record; the other subscribers are unaffected.</summary>
    DisconnectSlowConsumer,
}
