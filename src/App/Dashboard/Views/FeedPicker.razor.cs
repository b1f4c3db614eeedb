using Microsoft.AspNetCore.Components;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.Views;

/// <summary>Picks several feeds from the catalog; each option shows the feed's description from the catalog.</summary>
public partial class FeedPicker
{
    /// <summary>The catalog to pick from. Default: empty.</summary>
    [Parameter]
    public IReadOnlyList<FeedInfo> Feeds { get; set; } = [];

    /// <summary>The names of the picked feeds. Default: none.</summary>
    [Parameter]
    public IReadOnlyCollection<string> Selected { get; set; } = [];

    /// <summary>Raised with the new selection.</summary>
    [Parameter]
    public EventCallback<IEnumerable<string>> SelectedChanged { get; set; }

    /// <summary>Whether the picker is unavailable (the page is not interactive yet). Default: false.</summary>
    [Parameter]
    public bool Disabled { get; set; }

    private Task OnChanged(IReadOnlyCollection<string>? selected) => SelectedChanged.InvokeAsync(selected ?? []);

    // Not from the catalog: the picker computes this when the selection changes, which can be before the catalog arrives.
    private static string Summary(IReadOnlyList<string> names) => string.Join(", ", names);
}
