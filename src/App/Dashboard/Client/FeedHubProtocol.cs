namespace Tributary.App.Dashboard.Client;

/// <summary>The hub protocol a .NET client speaks to the feed hub. Both carry the same records.</summary>
public enum FeedHubProtocol
{
    /// <summary>Binary, smaller and cheaper per item to write and to read: the dashboard's.</summary>
    MessagePack,

    /// <summary>Text, one JSON message per item or batch.</summary>
    Json,
}
