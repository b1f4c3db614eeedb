using Microsoft.AspNetCore.Components;
using Radzen;
using Tributary.App.Dashboard.Client;

namespace Tributary.App.Dashboard.Views;

/// <summary>Connection state, stream state, rate, total and the server's open streams.</summary>
public partial class StatusBar
{
    /// <summary>The hub connection's state. Default: disconnected.</summary>
    [Parameter]
    public FeedConnectionState Connection { get; set; }

    /// <summary>Whether a stream is open. Default: false.</summary>
    [Parameter]
    public bool Running { get; set; }

    /// <summary>Whether the view is paused. Default: false.</summary>
    [Parameter]
    public bool Paused { get; set; }

    /// <summary>Items per second over the last second. Default: 0.</summary>
    [Parameter]
    public double ItemsPerSecond { get; set; }

    /// <summary>Items received since the last Clear. Default: 0.</summary>
    [Parameter]
    public long TotalItems { get; set; }

    /// <summary>The server's counters, or null when unknown. Default: null.</summary>
    [Parameter]
    public ServerStats? Server { get; set; }

    private string ConnectionText => Connection switch
    {
        FeedConnectionState.Connected => "connected",
        FeedConnectionState.Connecting => "connecting",
        FeedConnectionState.Reconnecting => "reconnecting",
        _ => "disconnected",
    };

    private BadgeStyle ConnectionStyle => Connection switch
    {
        FeedConnectionState.Connected => BadgeStyle.Success,
        FeedConnectionState.Disconnected => BadgeStyle.Danger,
        _ => BadgeStyle.Warning,
    };

    private string StreamText => (Running, Paused) switch
    {
        (false, _) => "stopped",
        (true, true) => "paused",
        _ => "live",
    };
}
