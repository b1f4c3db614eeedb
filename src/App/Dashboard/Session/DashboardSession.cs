using Microsoft.Extensions.Options;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.State;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.Session;

/// <summary>
/// The dashboard of one circuit (one browser tab): what the user chose (feeds, counter settings, filter, chart window,
/// running or not, paused or not) and the streams that follow from it (<see cref="FeedRuns"/>), the board they fill
/// and the loop that renders it (<see cref="RenderLoop"/>). Circuit-scoped, so it outlives a page: going to another
/// page and back keeps the streams and the board; closing the tab disposes it, which stops every stream and so their
/// producers on the server.
/// </summary>
/// <remarks>
/// One threading rule: the session's own state changes only on the circuit's dispatcher. Every user action arrives
/// there (aspnetcore's CircuitHost runs each inbound event on the renderer's dispatcher) and the render loop does its
/// work there too. The dispatcher runs other work between the awaits of a change, so changes that await (stopping a
/// stream waits for it) take <c>_changes</c> in turn. Only the feed runs work elsewhere: they touch the board's
/// queue, which is thread-safe, their own state, and ask for a render.
/// </remarks>
public sealed class DashboardSession : IAsyncDisposable
{
    /// <summary>A live stream with no item for this long says when its last item came.</summary>
    public static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(3);

    private readonly IFeedClient _client;
    private readonly DashboardOptions _options;
    private readonly ILogger<DashboardSession> _logger;
    private readonly CancellationTokenSource _lifetime = new();
    // Never disposed: a SemaphoreSlim whose wait handle is never asked for holds nothing to free, and a page's late
    // call after the session is gone must find it still there (and _disposed set), not an ObjectDisposedException.
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly FeedRuns _runs;
    private readonly RenderLoop _loop;
    private readonly Announcer _announcer;
    private bool _disposed;
    private Task _rendering = Task.CompletedTask;
    private long _totalAtPause;

    public DashboardSession(IFeedClient client, IRenderTicker ticker, IOptions<DashboardOptions> options, TimeProvider timeProvider, ILogger<DashboardSession> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
        _logger = logger;
        Board = new LiveBoard(_options.TimelineCapacity, timeProvider);
        _loop = new RenderLoop(ticker, logger);
        _runs = new FeedRuns(client, Board, MarkChanged, timeProvider, logger, _lifetime.Token);
        _announcer = new Announcer(timeProvider);
        // Distinct: configuration binding appends appsettings' list to the option's default one.
        Selected = [.. _options.DefaultFeeds.Distinct(StringComparer.Ordinal)];
        _client.StateChanged += MarkChanged;
    }

    public LiveBoard Board { get; }

    /// <summary>The feeds on offer, in catalog order; empty until <see cref="IsReady"/>.</summary>
    public IReadOnlyList<FeedInfo> Catalog { get; private set; } = [];

    /// <summary>Whether the catalog is loaded and the controls may be used; false while the page is still connecting.</summary>
    public bool IsReady { get; private set; }

    /// <summary>The chosen feeds, in catalog order once the catalog is known.</summary>
    public IReadOnlyList<string> Selected { get; private set; }

    public bool Running { get; private set; }

    /// <summary>Paused, the view stands still while records keep arriving; Resume shows what came meanwhile.</summary>
    public bool Paused { get; private set; }

    /// <summary>Data items that arrived since Pause was pressed.</summary>
    public long NewWhilePaused => Paused ? Board.TotalItems - _totalAtPause : 0;

    /// <summary>How many items arrived during the last pause, shown after Resume until the next Pause, Stop or Clear.</summary>
    public long? ShownAfterPause { get; private set; }

    /// <summary>Counter feeds: items per second, or null for each feed's own rate.</summary>
    public double? CounterRate { get; private set; }

    /// <summary>Counter feeds: how many items, or null for each feed's own count.</summary>
    public long? CounterCount { get; private set; }

    /// <summary>Which timeline rows show.</summary>
    public TimelineFilter Filter { get; private set; } = TimelineFilter.None;

    /// <summary>Something the user should know, in a sentence with what to do about it; null when all is well.</summary>
    public string? Problem { get; private set; }

    public FeedConnectionState Connection => _client.State;

    /// <summary>What a screen reader is told: changes of state, at most once every five seconds.</summary>
    public string Announcement => _announcer.Text;

    /// <summary>How many of the running feeds are reconnecting.</summary>
    public int Resuming => _runs.Resuming;

    /// <summary>Why running feeds were refused or failed, in the server's words.</summary>
    public IReadOnlyList<string> RunProblems => _runs.Problems;

    /// <summary>Each shared feed's last position (<c>seq@epoch</c>), for the page to keep in the browser across a reload.</summary>
    public IReadOnlyDictionary<string, string> Positions => _runs.UpdatePositions();

    public DashboardAddress Address => new(Selected, Running, CounterRate, CounterCount) { Filter = Filter, Window = Board.ChartWindow };

    /// <summary>What the status bar shows now.</summary>
    public StreamStatus Status => new(IsReady, !IsReady && Problem is not null, Connection, Running, Paused, NewWhilePaused, Resuming,
        Board.LastItemAt, Board.ItemsPerSecond, Board.TotalItems, Announcement);

    /// <summary>Whether <paramref name="feed"/>'s stream is waiting to resume or failed, and why.</summary>
    public FeedRunState? StateOf(string feed) => _runs.StateOf(feed);

    /// <summary>
    /// Loads the catalog and starts the render loop, once; later calls return at once. Call when a page becomes
    /// interactive (not while prerendering: this opens the hub connection).
    /// </summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken) => IsReady ? Task.CompletedTask : InTurnAsync(async () =>
    {
        if (IsReady)
        {
            return;
        }

        try
        {
            Catalog = await _client.GetCatalogAsync(cancellationToken);
            Selected = InCatalogOrder(Selected);
            Board.SetFeeds(Catalog.Where(f => Selected.Contains(f.Name)));
            IsReady = true;
            Problem = null;
            _rendering = _loop.RunAsync(RenderDue, PrepareRenderAsync, _ => ReportRenderFailure(), _lifetime.Token);
        }
#pragma warning disable CA1031 // Any failure to reach the server is told to the user, who can retry.
        catch (Exception failure) when (failure is not OperationCanceledException)
#pragma warning restore CA1031
        {
            StreamLog.CatalogUnavailable(_logger, failure.Message);
            Problem = "The feed server cannot be reached, so there are no feeds to choose from. Check that it is running, then reload the page.";
        }
    });

    /// <summary>
    /// Lets a page render the live view: <paramref name="dispatch"/> runs work on the circuit's dispatcher,
    /// <paramref name="refresh"/> re-renders the page's live part there.
    /// </summary>
    public void Attach(Func<Func<Task>, Task> dispatch, Action refresh) => _loop.Attach(dispatch, refresh);

    /// <summary>The page is going away; the streams and the board stay (the dispatcher stays valid for the circuit).</summary>
    public void Detach(Action refresh) => _loop.Detach(refresh);

    /// <summary>Asks for a render at the next tick; from any thread.</summary>
    public void MarkChanged() => _loop.MarkChanged();

    /// <summary>
    /// Makes the session what the address says: its feeds (unknown names are reported), counter settings (checked
    /// against the feeds' limits), filter, chart window, and running or not. An address the session already matches
    /// changes nothing, so following one's own links is free.
    /// </summary>
    public Task ApplyAsync(DashboardAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return InTurnAsync(() => ApplyCoreAsync(address));
    }

    /// <summary>Chooses the feeds; while running, streams start for the added ones and stop for the removed ones, the rest carry on.</summary>
    public Task SelectAsync(IEnumerable<string> feeds)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        return InTurnAsync(() => SelectCoreAsync(feeds));
    }

    /// <summary>Sets the counter's rate and count; a running counter restarts with them.</summary>
    public Task SetCounterAsync(double? rate, long? count) => InTurnAsync(() => SetCounterCoreAsync(rate, count));

    public Task StartAsync() => InTurnAsync(() =>
    {
        StartCore();
        return Task.CompletedTask;
    });

    public Task StopAsync() => InTurnAsync(StopCoreAsync);

    /// <summary>Sets which timeline rows show.</summary>
    public void SetFilter(TimelineFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Filter = filter;
        MarkChanged();
    }

    /// <summary>Sets how much time the charts show.</summary>
    public void SetChartWindow(ChartWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        Board.ChartWindow = window;
        MarkChanged();
    }

    /// <summary>Shows a problem with the address the page was opened with (a rate that is not a number, say).</summary>
    public void ReportAddressProblem(string? problem)
    {
        if (problem is not null)
        {
            AddProblem(problem);
        }
    }

    public void TogglePause()
    {
        if (Paused)
        {
            ShownAfterPause = NewWhilePaused;
            ResumeView();
        }
        else if (Running)
        {
            Paused = true;
            _totalAtPause = Board.TotalItems;
            ShownAfterPause = null;
        }

        MarkChanged();
    }

    public void Clear()
    {
        Board.Clear();
        _totalAtPause = 0;
        ShownAfterPause = null;
        MarkChanged();
    }

    /// <summary>Positions kept by the browser from before a reload: the next streams of those feeds resume after them.</summary>
    public void RestorePositions(IReadOnlyDictionary<string, string> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        _runs.Restore(positions);
    }

    /// <summary>The viewer's time zone, from the browser; chart axes and the timeline show times in it.</summary>
    public void SetTimeZone(TimeZoneInfo zone) => Board.TimeZone = zone;

    public async ValueTask DisposeAsync()
    {
        _client.StateChanged -= MarkChanged;
        await _lifetime.CancelAsync();
        // A change under way finishes first; none starts after this.
        await _changes.WaitAsync();
        _disposed = true;
        Running = false;
        await _runs.StopAllAsync();
        _changes.Release();
        await _rendering;
        _lifetime.Dispose();
    }

    private async Task ApplyCoreAsync(DashboardAddress address)
    {
        Filter = address.Filter;
        if (address.Window is { } window && window != Board.ChartWindow)
        {
            Board.ChartWindow = window;
        }

        var unknown = UnknownFeeds.In(address.Feeds, Catalog);
        if (address.Feeds is { } feeds)
        {
            await SelectCoreAsync(feeds);
        }

        // An address can say anything: a rate or count the counters would refuse is told and not used.
        var rateProblem = CounterSettingsRules.RateProblem(address.Rate, SelectedCounters);
        var countProblem = CounterSettingsRules.CountProblem(address.Count, SelectedCounters);
        await SetCounterCoreAsync(rateProblem is null ? address.Rate : null, countProblem is null ? address.Count : null);
        if (address.Running && !Running)
        {
            StartCore();
        }
        else if (!address.Running && Running)
        {
            await StopCoreAsync();
        }

        // Told after starting, which clears the previous run's problems.
        foreach (var problem in new[] { rateProblem, countProblem }.OfType<string>())
        {
            AddProblem($"The address' counter setting is not used. {problem}");
        }

        if (unknown.Count > 0 && IsReady)
        {
            AddProblem(UnknownFeeds.Sentence(unknown, Catalog));
        }
    }

    private IEnumerable<FeedInfo> SelectedCounters => Catalog.Where(f => f.Kind == FeedKind.Counter && Selected.Contains(f.Name));

    private async Task SelectCoreAsync(IEnumerable<string> feeds)
    {
        var selected = InCatalogOrder(feeds);
        if (selected.SequenceEqual(Selected))
        {
            return;
        }

        Selected = selected;
        Board.SetFeeds(Catalog.Where(f => Selected.Contains(f.Name)));
        if (Running && Selected.Count == 0)
        {
            await StopCoreAsync();
        }
        else if (Running)
        {
            await _runs.StopAsync(_runs.All.Where(r => !Selected.Contains(r.Feed)));
            StartRuns(Selected);
        }

        MarkChanged();
    }

    private async Task SetCounterCoreAsync(double? rate, long? count)
    {
        if (rate == CounterRate && count == CounterCount)
        {
            return;
        }

        (CounterRate, CounterCount) = (rate, count);
        if (Running)
        {
            var counters = _runs.All.Where(r => IsCounter(r.Feed)).ToList();
            await _runs.StopAsync(counters);
            StartRuns(counters.Select(r => r.Feed));
        }

        MarkChanged();
    }

    private void StartCore()
    {
        if (Running || !IsReady || Selected.Count == 0)
        {
            return;
        }

        Running = true;
        Problem = null;
        ResumeView();
        StartRuns(Selected);
        MarkChanged();
    }

    private async Task StopCoreAsync()
    {
        if (!Running)
        {
            return;
        }

        Running = false;
        await _runs.StopAllAsync();
        ResumeView();
        ShownAfterPause = null;
        MarkChanged();
    }

    // Counter settings go to counters; a kept position, or else the tail of history, to shared feeds (a counter may be
    // both: with settings of its own it runs privately and has no history to ask for).
    private void StartRuns(IEnumerable<string> feeds) => _runs.Start(feeds, (feed, since) =>
    {
        var overridden = IsCounter(feed) && (CounterRate is not null || CounterCount is not null);
        return new FeedStreamSettings(
            IsCounter(feed) ? CounterRate : null,
            IsCounter(feed) ? CounterCount : null,
            IsShared(feed) ? since : null,
            IsShared(feed) && since is null && !overridden ? Math.Max(0, _options.HistoryOnStart) : 0);
    });

    // The user's changes are awaited (stopping a stream waits for it), and events can arrive meanwhile: one
    // change at a time, so a Stop cannot land in the middle of a restart and leave a stream running.
    private async Task InTurnAsync(Func<Task> change)
    {
        await _changes.WaitAsync();
        try
        {
            if (!_disposed)
            {
                await change();
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    private void ResumeView()
    {
        Paused = false;
        _totalAtPause = 0;
    }

    private void AddProblem(string problem)
    {
        Problem = Problem is null ? problem : $"{Problem} {problem}";
        MarkChanged();
    }

    private void ReportRenderFailure() =>
        Problem = "Part of the view could not be shown; the dashboard carries on. If this repeats, reload the page.";

    private bool IsCounter(string feed) => Catalog.FirstOrDefault(f => f.Name == feed)?.Kind == FeedKind.Counter;

    private bool IsShared(string feed) => Catalog.FirstOrDefault(f => f.Name == feed)?.Shared == true;

    private List<string> InCatalogOrder(IEnumerable<string> feeds)
    {
        var wanted = feeds.ToHashSet(StringComparer.Ordinal);
        return Catalog.Count == 0 ? [.. wanted] : [.. Catalog.Where(f => wanted.Contains(f.Name)).Select(f => f.Name)];
    }

    // Once a second anyway while running: "last item 5 s ago" must move when nothing else does. Read off the
    // dispatcher on purpose (an idle tick must not cost a hop to it): the board's queue is thread-safe, and a stale
    // Running only moves a clock render by a tick.
    private bool RenderDue(long tick) =>
        Board.HasWork || ((Running || _announcer.Pending) && tick % Math.Max(1, (int)(TimeSpan.FromSeconds(1) / _options.RenderInterval)) == 0);

    // On the dispatcher, once per render: what arrived goes onto the board, and the session follows its streams.
    private async Task PrepareRenderAsync()
    {
        await SettleFinishedRunsAsync();
        Board.Apply();
        _announcer.Offer(Describe());
    }

    // When every feed has ended or was refused there is nothing left to watch: the session stops, and says why.
    private async Task SettleFinishedRunsAsync()
    {
        if (!Running || !_runs.AllFinished || !_changes.Wait(0))
        {
            // Nothing to settle, or a change is under way: the next render looks again.
            return;
        }

        try
        {
            var feeds = _runs.All.Select(r => r.Feed).ToList();
            var problems = RunProblems;
            Problem = problems.Count > 0
                ? string.Join(" ", problems)
                : $"The stream ended: {string.Join(", ", feeds)} {(feeds.Count == 1 ? "has" : "have")} no more items.";
            Running = false;
            await _runs.StopAllAsync();
            ResumeView();
        }
        finally
        {
            _changes.Release();
        }
    }

    private string Describe() => (Connection, Running, Paused, Resuming) switch
    {
        (FeedConnectionState.Reconnecting or FeedConnectionState.Disconnected, _, _, _) => "The connection to the feed server was lost; reconnecting.",
        (_, false, _, _) => "Stopped.",
        (_, true, true, _) => "Paused.",
        (_, true, false, > 0) => "Reconnecting some feeds.",
        _ => $"Streaming {string.Join(", ", Selected)}.",
    };
}
