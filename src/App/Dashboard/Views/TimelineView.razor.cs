using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Tributary.App.Dashboard.State;

namespace Tributary.App.Dashboard.Views;

/// <summary>
/// The merged timeline, newest first, with filters by feed, text and field value (kept by the owner, in the
/// address). A row opens to show its whole record. It holds still while the reader is not at the top (scrolled
/// away to read), a row is open, or the dashboard is paused: new rows are counted, not inserted above what is
/// being read, and "jump to latest" (or Resume) brings them in.
/// </summary>
public partial class TimelineView : IAsyncDisposable
{
    private const string AllFeeds = "(all feeds)";

    private ElementReference _scroller;
    private IJSObjectReference? _module;
    private IJSObjectReference? _watch;
    private DotNetObjectReference<TimelineView>? _self;
    private IReadOnlyList<TimelineEntry>? _snapshot;
    private long _newestIdAtLock;
    private bool _locked;
    private bool _wrap;
    private long? _open;

    /// <summary>Timeline entries, newest first. Default: empty.</summary>
    [Parameter]
    public IReadOnlyCollection<TimelineEntry> Entries { get; set; } = [];

    /// <summary>Which rows show. Default: all.</summary>
    [Parameter]
    public TimelineFilter Filter { get; set; } = TimelineFilter.None;

    /// <summary>Raised with the filter the user chose.</summary>
    [Parameter]
    public EventCallback<TimelineFilter> FilterChanged { get; set; }

    /// <summary>The feeds the filter offers. Default: none.</summary>
    [Parameter]
    public IReadOnlyList<string> Feeds { get; set; } = [];

    /// <summary>Paused: the rows stand still. Default: false.</summary>
    [Parameter]
    public bool Frozen { get; set; }

    /// <summary>Items that arrived while paused. Default: 0.</summary>
    [Parameter]
    public long NewWhilePaused { get; set; }

    /// <summary>After Resume: how many of the rows arrived while paused. Default: null.</summary>
    [Parameter]
    public long? ShownAfterPause { get; set; }

    /// <summary>The viewer's time zone. Default: UTC.</summary>
    [Parameter]
    public TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Utc;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    private string ZoneName => Zone == TimeZoneInfo.Utc ? "UTC" : Zone.Id;

    private long NewSinceLocked => Entries.Count > 0 ? Entries.First().Id - _newestIdAtLock : 0;

    // What is on screen: the live rows, or the rows as they were when the view began to hold still; filtered.
    private List<TimelineEntry> Shown
    {
        get
        {
            IEnumerable<TimelineEntry> rows = _snapshot ?? (IEnumerable<TimelineEntry>)Entries;
            return Filter.IsEmpty ? [.. rows] : [.. rows.Where(Filter.Matches)];
        }
    }

    /// <summary>Called by the page's script when the reader scrolls away from the newest row or back to it.</summary>
    [JSInvokable]
    public void SetScrolledAway(bool away)
    {
        if (away == _locked)
        {
            return;
        }

        _locked = away;
        UpdateSnapshot();
        StateHasChanged();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_watch is not null)
            {
                await _watch.InvokeVoidAsync("dispose");
                await _watch.DisposeAsync();
            }

            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The tab is gone, and its listeners with it.
        }

        _self?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void OnParametersSet() => UpdateSnapshot();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/dashboard.js");
            _watch = await _module.InvokeAsync<IJSObjectReference>("watchScroll", _scroller, _self);
        }
    }

    private void UpdateSnapshot()
    {
        var hold = Frozen || _locked || _open is not null;
        if (hold && _snapshot is null)
        {
            _snapshot = [.. Entries];
            _newestIdAtLock = _snapshot.Count > 0 ? _snapshot[0].Id : 0;
        }
        else if (!hold)
        {
            _snapshot = null;
        }
    }

    private async Task JumpToLatestAsync()
    {
        if (_module is not null)
        {
            await _module.InvokeVoidAsync("scrollToTop", _scroller);
        }

        _locked = false;
        UpdateSnapshot();
    }

    private void Toggle(TimelineEntry entry)
    {
        _open = _open == entry.Id ? null : entry.Id;
        UpdateSnapshot();
    }

    private Task SetFeedAsync(string feed) => FilterChanged.InvokeAsync(Filter with { Feed = feed == AllFeeds ? null : feed });

    private Task SetTextAsync(string? text) => FilterChanged.InvokeAsync(Filter with { Text = string.IsNullOrEmpty(text) ? null : text });

    private Task FilterByFieldAsync((string Path, string Value) field) => FilterChanged.InvokeAsync(Filter with { Field = field.Path, Value = field.Value });

    private Task ClearFieldAsync() => FilterChanged.InvokeAsync(Filter with { Field = null, Value = null });

    private static string KindClass(TimelineKind kind) => kind.ToString().ToLowerInvariant();

    private string LocalTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static string KindLabel(TimelineKind kind) => kind switch
    {
        TimelineKind.Gap => "gap",
        TimelineKind.Reset => "reset",
        TimelineKind.Error => "error",
        TimelineKind.Status => "status",
        TimelineKind.Engine => "engine",
        TimelineKind.Shutdown => "shutdown",
        TimelineKind.End => "end",
        _ => "note",
    };
}
