using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.JSInterop;
using Tributary.App.Dashboard.Session;
using Tributary.App.Dashboard.State;
using Tributary.App.Dashboard.Views;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.Pages;

/// <summary>
/// The dashboard page: an adapter between the circuit's <see cref="DashboardSession"/>, the address bar and the
/// browser. The address holds the selection and whether it runs, so reload, back/forward and a shared link
/// reproduce the view; the browser keeps each shared feed's last position, so after a reload (a server restart,
/// say) the streams resume where they were. The session renders the live part at most once per tick.
/// </summary>
public partial class Home : IAsyncDisposable
{
    private static readonly TimeSpan SavePositionsEvery = TimeSpan.FromSeconds(1);

    private const int MaxUnconfirmedPushes = 16;

    private readonly CancellationTokenSource _lifetime = new();
    private LiveView? _liveView;
    private IJSObjectReference? _module;
    private IJSObjectReference? _keys;
    private DotNetObjectReference<Home>? _self;
    private bool _keysOpen;
    private IReadOnlyDictionary<string, string> _savedPositions = new Dictionary<string, string>();
    private DateTimeOffset _lastSaved;
    private bool _interactive;
    private string? _focusNext;
    // The addresses this page pushed that the browser has not reported back yet, oldest first. On a busy machine
    // the report of one can come after the next was pushed; each must be recognised as the page's own, or the
    // session would follow an address from before the user's latest change (undoing a Start, say).
    private readonly Queue<string> _pushed = new();
    private DashboardAddress? _shownAddress;

    [Inject]
    private DashboardSession Session { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [Inject]
    private TimeProvider TimeProvider { get; set; } = null!;

    private IReadOnlyList<FeedInfo> SelectedCounters =>
        [.. Session.Catalog.Where(f => f.Kind == FeedKind.Counter && Session.Selected.Contains(f.Name))];

    public async ValueTask DisposeAsync()
    {
        Session.Detach(RefreshLive);
        Navigation.LocationChanged -= OnLocationChanged;
        // Cancelled, not disposed: the first render's work, or a follow queued before the page went away, may still
        // be on its way and read the token; they stop at its next check instead of failing on a disposed source.
        await _lifetime.CancelAsync();
        try
        {
            if (_keys is not null)
            {
                await _keys.InvokeVoidAsync("dispose");
                await _keys.DisposeAsync();
            }

            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The tab is gone, and the module with it.
        }

        _self?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void OnInitialized()
    {
        Session.Attach(work => InvokeAsync(work), RefreshLive);
        Navigation.LocationChanged += OnLocationChanged;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusNext is { } focus && _module is not null)
        {
            _focusNext = null;
            await _module.InvokeVoidAsync("focus", focus);
        }

        if (!firstRender)
        {
            return;
        }

        // Only once interactive: a prerender must not open a hub connection.
        var token = _lifetime.Token;
        await Session.EnsureReadyAsync(token);
        _module = await JS.InvokeAsync<IJSObjectReference>("import", token, "./js/dashboard.js");
        Session.SetTimeZone(TimeZones.Named(await _module.InvokeAsync<string>("timeZone", token)));
        _self = DotNetObjectReference.Create(this);
        var keys = await _module.InvokeAsync<IJSObjectReference>("watchKeys", token, _self);
        if (token.IsCancellationRequested)
        {
            // The page went away while its keys were being set up: nobody else will remove the listener.
            await keys.InvokeVoidAsync("dispose", CancellationToken.None);
            await keys.DisposeAsync();
            return;
        }

        _keys = keys;
        await FollowAddressAsync(firstVisit: true);
        // Only now: a render tick during the first follow would write the session's address from before it (the
        // defaults) over the one the page was opened with.
        _interactive = true;
        StateHasChanged();
    }

    // Back/forward, or a link to another dashboard address: the session follows the address. The page's own
    // pushes come back here too; those are ignored.
    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        if (IsOwnPush(e.Location))
        {
            return;
        }

        if (_interactive && IsDashboard(e.Location))
        {
            _ = FollowLocationAsync();
        }
    }

    private bool IsOwnPush(string location)
    {
        if (!_pushed.Contains(location))
        {
            return false;
        }

        // Reports come in the order of the pushes: those before this one have landed too (or never will).
        while (_pushed.Dequeue() != location)
        {
        }

        return true;
    }

    private async Task FollowLocationAsync()
    {
        try
        {
            await InvokeAsync(() => FollowAddressAsync(firstVisit: false));
        }
        catch (Exception failure)
        {
            await DispatchExceptionAsync(failure);
        }
    }

    private async Task FollowAddressAsync(bool firstVisit)
    {
        var query = QueryOf(Navigation.Uri);
        var address = DashboardAddress.Parse(query.Feeds, query.AutoStart, query.Rate, query.Count, out var problem) with
        {
            Filter = DashboardAddress.ParseFilter(query.Show, query.Text, query.Field, query.Value),
            Window = DashboardAddress.ParseWindow(query.Window, out var windowProblem),
        };
        problem = problem is null ? windowProblem : windowProblem is null ? problem : $"{problem} {windowProblem}";
        // Coming back from another page to a bare "/" keeps what runs; a fresh tab starts from the defaults.
        if (address.Feeds is null && firstVisit && Session.Running)
        {
            address = Session.Address;
        }

        // A tab that was streaming before a reload (a server restart, say) continues where it was.
        if (firstVisit && address.Running && _module is not null)
        {
            Session.RestorePositions(await _module.InvokeAsync<Dictionary<string, string>?>("loadPositions", _lifetime.Token) ?? []);
        }

        await Session.ApplyAsync(address);
        Session.ReportAddressProblem(problem);
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        // Without a catalog nothing could start: the address stays as it was, so a reload tries again.
        if (Session.IsReady)
        {
            ShowAddress(replace: true);
        }

        StateHasChanged();
    }

    private async Task SelectAsync(IEnumerable<string> feeds)
    {
        await Session.SelectAsync(feeds);
        ShowAddress();
    }

    private async Task SetCounterAsync((double? Rate, long? Count) settings)
    {
        await Session.SetCounterAsync(settings.Rate, settings.Count);
        ShowAddress(replace: true);
    }

    private async Task StartAsync()
    {
        await Session.StartAsync();
        ShowAddress();
        // The pressed button is now disabled; keyboard focus moves to the one that undoes it.
        _focusNext = "stop";
    }

    private async Task StopAsync()
    {
        await Session.StopAsync();
        ShowAddress();
        _focusNext = "start";
        // A reload after Stop must not resume what was stopped.
        SavePositions();
    }

    private void TogglePause() => Session.TogglePause();

    private void ShowKeys() => _keysOpen = true;

    private void SetFilter(TimelineFilter filter)
    {
        Session.SetFilter(filter);
        ShowAddress(replace: true);
    }

    private void SetChartWindow(ChartWindow window)
    {
        Session.SetChartWindow(window);
        ShowAddress(replace: true);
    }

    /// <summary>A shortcut from the page's script (js/dashboard.js names them; the <c>?</c> overlay lists them).</summary>
    [JSInvokable]
    public Task OnShortcutAsync(string shortcut) => InvokeAsync(() =>
    {
        switch (shortcut)
        {
            case "pause":
                Session.TogglePause();
                break;
            case "help":
                _keysOpen = true;
                break;
        }

        StateHasChanged();
    });

    private void Clear() => Session.Clear();

    private void ShowAddress(bool replace = false)
    {
        _shownAddress = Session.Address;
        var wanted = Navigation.BaseUri + Session.Address.ToRelativeUri();
        var latest = _pushed.Count > 0 ? _pushed.Last() : Navigation.Uri;
        if (!string.Equals(latest, wanted, StringComparison.Ordinal))
        {
            _pushed.Enqueue(wanted);
            // A push the browser never reports back (lost in a reconnect) must not wait forever to be recognised.
            if (_pushed.Count > MaxUnconfirmedPushes)
            {
                _pushed.Dequeue();
            }
            Navigation.NavigateTo(wanted, new NavigationOptions { ReplaceHistoryEntry = replace });
        }
    }

    // On the renderer's thread, at most once per render tick.
    private void RefreshLive()
    {
        _liveView?.Refresh();
        // The session can change what the address should say by itself (every feed ended, say). A record
        // compare per tick; the address is only built when it changed.
        if (_interactive && Session.IsReady && Session.Address != _shownAddress)
        {
            ShowAddress(replace: true);
        }

        SavePositionsWhenDue();
    }

    private void SavePositionsWhenDue()
    {
        var now = TimeProvider.GetUtcNow();
        if (now - _lastSaved >= SavePositionsEvery)
        {
            _lastSaved = now;
            SavePositions();
        }
    }

    private void SavePositions()
    {
        if (_module is null)
        {
            return;
        }

        var positions = Session.Positions;
        if (positions.Count == _savedPositions.Count && positions.All(p => _savedPositions.TryGetValue(p.Key, out var v) && v == p.Value))
        {
            return;
        }

        _savedPositions = positions;
        _ = SavePositionsAsync(_module, positions);
    }

    private static async Task SavePositionsAsync(IJSObjectReference module, IReadOnlyDictionary<string, string> positions)
    {
        try
        {
            await module.InvokeVoidAsync("savePositions", positions);
        }
        catch (Exception failure) when (failure is JSDisconnectedException or TaskCanceledException or JSException)
        {
            // The tab is gone or its storage refused: the next reload starts those feeds live.
        }
    }

    private bool IsDashboard(string uri) => Navigation.ToBaseRelativePath(uri).Split('?')[0].Length == 0;

    private static (string? Feeds, string? AutoStart, string? Rate, string? Count, string? Show, string? Text, string? Field, string? Value, string? Window) QueryOf(string uri)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(uri).Query);
        string? Get(string key) => query.TryGetValue(key, out var value) ? value.ToString() : null;
        return (Get("feeds"), Get("autostart"), Get("rate"), Get("count"), Get("show"), Get("q"), Get("field"), Get("value"), Get("window"));
    }
}
