using Microsoft.AspNetCore.Components;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.Session;
using Tributary.App.Dashboard.State;

namespace Tributary.App.Dashboard.Views;

/// <summary>
/// The server's view of the connection (its hub connection and the streams) with rate, total and the server's
/// open streams. The page's own link to the server is shown beside it by js/connection.js, which also hides the
/// server's view while that link is down: this bar never says "live" while the page cannot receive.
/// </summary>
public partial class StatusBar
{
    /// <summary>What to show. Required.</summary>
    [Parameter, EditorRequired]
    public StreamStatus Status { get; set; } = null!;

    [Inject]
    private TimeProvider TimeProvider { get; set; } = null!;

    // Before the page is interactive nothing is known yet: a neutral "connecting", not a red "disconnected".
    private string HubState => !Status.Ready && !Status.Unreachable ? "connecting" : Status.Connection switch
    {
        FeedConnectionState.Connected => "connected",
        FeedConnectionState.Connecting => "connecting",
        FeedConnectionState.Reconnecting => "reconnecting",
        _ => "disconnected",
    };

    private string HubText => HubState switch
    {
        "connected" => "Connected",
        "connecting" => "Connecting…",
        "reconnecting" => "Feed server lost · reconnecting…",
        _ => "Feed server unreachable",
    };

    private string HubStyle => HubState switch
    {
        "connected" => "good",
        "disconnected" => "bad",
        _ => "neutral",
    };

    private string StreamState => (Status.Running, Status.Paused) switch
    {
        (false, _) => "stopped",
        (true, true) => "paused",
        _ when Status.Connection != FeedConnectionState.Connected || Status.Resuming > 0 => "resuming",
        _ when IsQuiet => "quiet",
        _ => "live",
    };

    private bool IsQuiet => Status.LastItemAt is not { } last || TimeProvider.GetUtcNow() - last > DashboardSession.QuietAfter;

    private string StreamText => StreamState switch
    {
        "stopped" => "stopped",
        "paused" => $"paused · {Display.Number(Status.NewWhilePaused)} new",
        "resuming" => "resuming…",
        "quiet" => Status.LastItemAt is { } last ? $"live · last item {Ago(last)}" : "live · waiting for the first item",
        _ => "live",
    };

    private string Ago(DateTimeOffset at)
    {
        var seconds = Math.Max(0, (int)(TimeProvider.GetUtcNow() - at).TotalSeconds);
        return seconds < 120 ? $"{seconds} s ago" : $"{seconds / 60} min ago";
    }
}
