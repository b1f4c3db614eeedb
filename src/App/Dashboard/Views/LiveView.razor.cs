using Microsoft.AspNetCore.Components;
using Tributary.App.Dashboard.Session;

namespace Tributary.App.Dashboard.Views;

/// <summary>Status bar, problems, timeline and feed cards of a <see cref="DashboardSession"/>; <see cref="Refresh"/> re-renders just this.</summary>
public partial class LiveView
{
    // Exposed in the page (data-renders) so tests and the load harness can count live-view renders.
    private long _renders;

    /// <summary>The session to show. Required.</summary>
    [Parameter, EditorRequired]
    public DashboardSession Session { get; set; } = null!;

    /// <summary>Raised with the chart window the user chose.</summary>
    [Parameter]
    public EventCallback<State.ChartWindow> ChartWindowChanged { get; set; }

    /// <summary>Raised with the timeline filter the user chose.</summary>
    [Parameter]
    public EventCallback<State.TimelineFilter> FilterChanged { get; set; }

    private IEnumerable<string> Problems =>
        Session.Problem is { } problem ? [problem, .. Session.RunProblems.Where(p => p != problem)] : Session.RunProblems;

    /// <summary>Re-renders the live view only. Call on the renderer's thread.</summary>
    public void Refresh() => StateHasChanged();
}
