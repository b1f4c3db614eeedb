using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Charts;
using Tributary.App.Dashboard.Session;
using Tributary.App.Dashboard.State;

namespace Tributary.App.Dashboard.Views;

/// <summary>One feed's card: latest value, delivery problems, and a chart (time axis in the viewer's zone) or headlines.</summary>
public partial class FeedCardView
{
    private IReadOnlyList<State.ChartSeries>? _convertedFrom;
    private List<ChartSeries<double>> _chartSeries = [];
    private TimeSeriesChartOptions _chartOptions = new();

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

    private List<ChartSeries<double>> ChartSeries
    {
        get
        {
            Convert();
            return _chartSeries;
        }
    }

    private TimeSeriesChartOptions ChartOptions
    {
        get
        {
            Convert();
            return _chartOptions;
        }
    }

    protected override bool ShouldRender()
    {
        // Paused, the card stands still; the first render always happens.
        var render = !Frozen || !_rendered;
        _rendered = true;
        return render;
    }

    // The chart re-processes whenever it is handed new series or options: convert only when the card published new ones.
    private void Convert()
    {
        if (ReferenceEquals(_convertedFrom, Card.Series))
        {
            return;
        }

        _convertedFrom = Card.Series;
        var segments = Card.Series.SelectMany(s => s.Segments.Select(points => (Series: s, Points: points))).ToList();
        _chartSeries = [.. segments.Select(segment => new ChartSeries<double>
        {
            Name = segment.Series.Name,
            Data = segment.Points.Select(p => new TimeValue<double>(p.Time, p.Value)).ToList(),
            Visible = true,
            TooltipTitleFormat = "{{SERIES_NAME}}: {{Y_VALUE}}",
            TooltipSubtitleFormat = "{{X_VALUE}}",
            TooltipYValueFormat = Meaning.TooltipFormat,
        })];
        var span = Card.Series.SelectMany(s => s.Segments).Where(p => p.Length > 0)
            .Aggregate((First: DateTime.MaxValue, Last: DateTime.MinValue), (range, points) => (Min(range.First, points[0].Time), Max(range.Last, points[^1].Time)));
        _chartOptions = new TimeSeriesChartOptions
        {
            ShowLegend = false,
            ShowToolTips = true,
            ShowToolTipsOnTouch = true,
            ChartPalette = [.. segments.Select(s => s.Series.Colour)],
            LineStrokeWidth = 2,
            ShowDataMarkers = segments.Any(s => s.Points.Length == 1),
            TimeLabelFormat = "HH:mm:ss",
            TooltipTimeLabelFormat = "HH:mm:ss.fff",
            TimeLabelSpacing = TimeTicks.SpacingFor(span.Last - span.First),
            XAxisTitle = TimeAxisTitle,
            YAxisTitle = Meaning.AxisTitle,
            YAxisToStringFunc = Meaning.Format,
            YAxisLines = true,
            YAxisTicks = 0,
            MaxNumYAxisTicks = 5,
            XAxisLines = true,
        };
    }

    private ChartCrosshair Crosshair(SvgPath hovered) => ChartCrosshair.At(hovered.LabelXValue, Card.Series, Meaning);

    private static string Svg(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
