namespace Tributary.App.Dashboard.Client;

public enum FeedConnectionState
{
    Disconnected,
    Connecting,
    Connected,
    Reconnecting,
}
