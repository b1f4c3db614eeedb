namespace Tributary.App.Dashboard.State;

/// <summary>The circuit's chosen feeds, shared by the dashboard and the /raw page.</summary>
public sealed class DashboardSelection
{
    public IReadOnlyList<string> Feeds { get; set; } = [];
}
