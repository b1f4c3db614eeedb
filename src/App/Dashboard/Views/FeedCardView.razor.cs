using System.Globalization;
using Microsoft.AspNetCore.Components;
using Tributary.App.Dashboard.Session;
using Tributary.App.Dashboard.State;

namespace Tributary.App.Dashboard.Views;

/// <summary>One feed's card: latest value, delivery problems, and a chart (time axis in the viewer's zone) or headlines.</summary>
public partial class FeedCardView
{
    /// <summary>The card to show. Required.</summary>
    [Parameter, EditorRequired]
    public FeedCard Card { get; set; } = null!;

    /// <summary>Paused: the card keeps what it shows until resumed. Default: false.</summary>
    [Parameter]
    public bool Frozen { get; set; }

    /// <summary>Whether the dashboard is streaming. Default: false.</summary>
    [Parameter]
    public bool Running { get; set; }

    /// <summary>The feed's stream state, or null when it has none. Default: null.</summary>
    [Parameter]
    public FeedRunState? RunState { get; set; }

    /// <summary>The viewer's time zone, named on the time axis. Default: UTC.</summary>
    [Parameter]
    public TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Utc;

    private bool _rendered;

    private ChartMeaning Meaning => FeedPresenter.Meaning(Card.Feed.Kind);

    private string Placeholder => Running ? "waiting for the first item…" : "No items. Press Start to watch this feed.";

    private string TimeAxisTitle => Zone == TimeZoneInfo.Utc ? "time (UTC)" : $"time ({Zone.Id})";

    protected override bool ShouldRender()
    {
        // Paused, the card stands still; the first render always happens.
        var render = !Frozen || !_rendered;
        _rendered = true;
        return render;
    }

    private static string Plural(long count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    private static string FormatTime(object value) =>
        value is DateTime time ? time.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private string FormatValue(object value) =>
        value is IConvertible number ? Meaning.Format(number.ToDouble(CultureInfo.InvariantCulture)) : "";
}
