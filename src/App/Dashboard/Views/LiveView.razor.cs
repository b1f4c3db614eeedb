using Microsoft.AspNetCore.Components;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.State;

namespace Tributary.App.Dashboard.Views;

/// <summary>Status bar, feed cards and timeline of a <see cref="LiveBoard"/>; <see cref="Refresh"/> re-renders just this.</summary>
public partial class LiveView
{
    // Exposed in the page (data-renders) so tests and the load harness can count live-view renders.
    private long _renders;

    /// <summary>The board to show. Required.</summary>
    [Parameter, EditorRequired]
    public LiveBoard Board { get; set; } = null!;

    /// <summary>The hub connection's state. Default: disconnected.</summary>
    [Parameter]
    public FeedConnectionState Connection { get; set; }

    /// <summary>Whether a stream is open. Default: false.</summary>
    [Parameter]
    public bool Running { get; set; }

    /// <summary>The server's counters, or null when unknown. Default: null.</summary>
    [Parameter]
    public ServerStats? Server { get; set; }

    /// <summary>An error to show above the board, or null. Default: null.</summary>
    [Parameter]
    public string? Error { get; set; }

    /// <summary>Re-renders the live view only. Call on the renderer's thread.</summary>
    public void Refresh(ServerStats? server)
    {
        Server = server;
        StateHasChanged();
    }
}
