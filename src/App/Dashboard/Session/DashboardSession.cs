using Microsoft.Extensions.Options;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.State;
using Tributary.App.Feeds;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Dashboard.Session;

/// <summary>
/// The dashboard of one circuit (one browser tab): what the user chose (feeds, counter settings, running or
/// not, paused or not), the streams that follow from it, the board they fill and the render loop that shows it.
/// It is circuit-scoped, so it outlives a page: going to another page and back keeps the streams and the board;
/// closing the tab disposes it, which stops every stream and so their producers on the server.
/// Pages attach to it to be told when to render; the loop renders at most once per tick, whatever the rate.
/// </summary>
public sealed class DashboardSession : IAsyncDisposable
{
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(5);

    /// <summary>A live stream with no item for this long says when its last item came.</summary>
    public static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(3);

    private readonly IFeedClient _client;
    private readonly IRenderTicker _ticker;
    private readonly DashboardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DashboardSession> _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Dictionary<string, FeedRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _positions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly SemaphoreSlim _mutations = new(1, 1);
    private bool _disposed;
    private Task _statsPoll = Task.CompletedTask;
    private Task _rendering = Task.CompletedTask;
    private Func<Func<Task>, Task>? _dispatch;
    private Action? _refresh;
    private int _changed;
    private long _totalAtPause;
    private DateTimeOffset _lastAnnounced;

    public DashboardSession(IFeedClient client, IRenderTicker ticker, IOptions<DashboardOptions> options, TimeProvider timeProvider, ILogger<DashboardSession> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _ticker = ticker;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        Board = new LiveBoard(_options.TimelineCapacity, timeProvider);
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

    /// <summary>Something the user should know, in a sentence with what to do about it; null when all is well.</summary>
    public string? Problem { get; private set; }

    /// <summary>The server's counters, or null when they cannot be read.</summary>
    public ServerStats? Server { get; private set; }

    public FeedConnectionState Connection => _client.State;

    /// <summary>What a screen reader is told: changes of state, at most once every five seconds.</summary>
    public string Announcement { get; private set; } = "";

    /// <summary>How many of the running feeds are reconnecting.</summary>
    public int Resuming => Runs.Count(r => r.State == FeedRunState.Resuming);

    /// <summary>Which timeline rows show.</summary>
    public TimelineFilter Filter { get; private set; } = TimelineFilter.None;

    public DashboardAddress Address => new(Selected, Running, CounterRate, CounterCount) { Filter = Filter, Window = Board.ChartWindow };

    /// <summary>Sets how much time the charts show.</summary>
    public void SetChartWindow(ChartWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        Board.ChartWindow = window;
        MarkChanged();
    }

    /// <summary>Each shared feed's last position (<c>seq@epoch</c>), for the page to keep in the browser across a reload.</summary>
    public IReadOnlyDictionary<string, string> Positions
    {
        get
        {
            lock (_runs)
            {
                foreach (var run in _runs.Values.Where(r => r.Position is not null))
                {
                    _positions[run.Feed] = run.Position!;
                }

                return new Dictionary<string, string>(_positions, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Why running feeds were refused or failed, in the server's words.</summary>
    public IReadOnlyList<string> RunProblems => [.. Runs.Where(r => r.State == FeedRunState.Failed).Select(r => r.Problem ?? $"{r.Feed} failed.")];

    /// <summary>Whether <paramref name="feed"/>'s stream is waiting to resume or failed, and why.</summary>
    public FeedRunState? StateOf(string feed)
    {
        lock (_runs)
        {
            return _runs.TryGetValue(feed, out var run) ? run.State : null;
        }
    }

    private List<FeedRun> Runs
    {
        get
        {
            lock (_runs)
            {
                return [.. _runs.Values];
            }
        }
    }

    /// <summary>
    /// Loads the catalog and starts the render loop, once; later calls return at once. Call when a page becomes
    /// interactive (not while prerendering: this opens the hub connection).
    /// </summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (IsReady)
        {
            return;
        }

        await _starting.WaitAsync(cancellationToken);
        try
        {
            if (IsReady)
            {
                return;
            }

            Catalog = await _client.GetCatalogAsync(cancellationToken);
            Selected = InCatalogOrder(Selected);
            Board.SetFeeds(Catalog.Where(f => Selected.Contains(f.Name)));
            IsReady = true;
            Problem = null;
            _rendering = RenderLoopAsync(_lifetime.Token);
        }
#pragma warning disable CA1031 // Any failure to reach the server is told to the user, who can retry.
        catch (Exception failure) when (failure is not OperationCanceledException)
#pragma warning restore CA1031
        {
            StreamLog.CatalogUnavailable(_logger, failure.Message);
            Problem = "The feed server cannot be reached, so there are no feeds to choose from. Check that it is running, then reload the page.";
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>
    /// Lets a page render the live view: <paramref name="dispatch"/> runs work on the circuit's renderer thread,
    /// <paramref name="refresh"/> re-renders the page's live part there.
    /// </summary>
    public void Attach(Func<Func<Task>, Task> dispatch, Action refresh)
    {
        _dispatch = dispatch;
        _refresh = refresh;
    }

    /// <summary>The page is going away; the streams and the board stay (the dispatcher stays valid for the circuit).</summary>
    public void Detach(Action refresh)
    {
        if (_refresh == refresh)
        {
            _refresh = null;
        }
    }

    /// <summary>
    /// Makes the session what the address says: its feeds (unknown names are reported), counter settings, and
    /// running or not. An address the session already matches changes nothing, so following one's own links is free.
    /// </summary>
    public Task ApplyAsync(DashboardAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return SerializedAsync(() => ApplyCoreAsync(address));
    }

    /// <summary>Chooses the feeds; while running, streams start for the added ones and stop for the removed ones, the rest carry on.</summary>
    public Task SelectAsync(IEnumerable<string> feeds)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        return SerializedAsync(() => SelectCoreAsync(feeds));
    }

    /// <summary>Sets the counter's rate and count; a running counter restarts with them.</summary>
    public Task SetCounterAsync(double? rate, long? count) => SerializedAsync(() => SetCounterCoreAsync(rate, count));

    public Task StartAsync() => SerializedAsync(() =>
    {
        StartCore();
        return Task.CompletedTask;
    });

    public Task StopAsync() => SerializedAsync(StopCoreAsync);

    /// <summary>Sets which timeline rows show.</summary>
    public void SetFilter(TimelineFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Filter = filter;
        MarkChanged();
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

        await SetCounterCoreAsync(address.Rate, address.Count);
        if (address.Running && !Running)
        {
            StartCore();
        }
        else if (!address.Running && Running)
        {
            await StopCoreAsync();
        }

        if (unknown.Count > 0 && IsReady)
        {
            Problem = $"{(Problem is null ? "" : Problem + " ")}{UnknownFeeds.Sentence(unknown, Catalog)}";
            MarkChanged();
        }
    }

    /// <summary>Shows a problem with the address the page was opened with (a rate that is not a number, say).</summary>
    public void ReportAddressProblem(string? problem)
    {
        if (problem is not null)
        {
            Problem = Problem is null ? problem : $"{Problem} {problem}";
            MarkChanged();
        }
    }

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
            await StopRunsAsync(Runs.Where(r => !Selected.Contains(r.Feed)));
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
            var counters = Runs.Where(r => IsCounter(r.Feed)).ToList();
            await StopRunsAsync(counters);
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
        await StopRunsAsync(Runs);
        // Start after Stop is a new watch from now, not a replay of what was missed while stopped.
        lock (_runs)
        {
            _positions.Clear();
        }

        ResumeView();
        ShownAfterPause = null;
        MarkChanged();
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
        lock (_runs)
        {
            foreach (var (feed, position) in positions)
            {
                _positions[feed] = position;
            }
        }
    }

    /// <summary>The viewer's time zone, from the browser; chart axes and the timeline show times in it.</summary>
    public void SetTimeZone(TimeZoneInfo zone) => Board.TimeZone = zone;

    /// <summary>Asks for a render at the next tick; from any thread.</summary>
    public void MarkChanged() => Interlocked.Exchange(ref _changed, 1);

    public async ValueTask DisposeAsync()
    {
        _client.StateChanged -= MarkChanged;
        await _lifetime.CancelAsync();
        // A change under way finishes first; none starts after this.
        await _mutations.WaitAsync();
        _disposed = true;
        Running = false;
        await StopRunsAsync(Runs);
        _mutations.Release();
        await _rendering;
        await _statsPoll;
        _ticker.Dispose();
        _lifetime.Dispose();
        _starting.Dispose();
    }

    // The user's changes are awaited (stopping a stream waits for it), and events can arrive meanwhile: one
    // change at a time, so a Stop cannot land in the middle of a restart and leave a stream running.
    private async Task SerializedAsync(Func<Task> change)
    {
        await _mutations.WaitAsync();
        try
        {
            if (!_disposed)
            {
                await change();
            }
        }
        finally
        {
            _mutations.Release();
        }
    }

    private void ResumeView()
    {
        Paused = false;
        _totalAtPause = 0;
    }

    private void StartRuns(IEnumerable<string> feeds)
    {
        lock (_runs)
        {
            foreach (var feed in feeds.Where(f => !_runs.ContainsKey(f)))
            {
                // Counter settings go to counters; a position to shared feeds (a counter may be both).
                var since = IsShared(feed) ? _positions.GetValueOrDefault(feed) : null;
                var settings = new FeedStreamSettings(
                    IsCounter(feed) ? CounterRate : null,
                    IsCounter(feed) ? CounterCount : null,
                    since,
                    IsShared(feed) && since is null ? Math.Max(0, _options.HistoryOnStart) : 0);
                var run = new FeedRun(feed, settings, _client, Board, MarkChanged, _time, _logger, _lifetime.Token);
                _runs[feed] = run;
                run.Start();
            }
        }
    }

    private async Task StopRunsAsync(IEnumerable<FeedRun> runs)
    {
        var stopping = runs.ToList();
        lock (_runs)
        {
            foreach (var run in stopping)
            {
                _runs.Remove(run.Feed);
                _positions.Remove(run.Feed);
            }
        }

        await Task.WhenAll(stopping.Select(r => r.DisposeAsync().AsTask()));
    }

    private bool IsCounter(string feed) => Catalog.FirstOrDefault(f => f.Name == feed)?.Kind == FeedKind.Counter;

    private bool IsShared(string feed) => Catalog.FirstOrDefault(f => f.Name == feed)?.Shared == true;

    private List<string> InCatalogOrder(IEnumerable<string> feeds)
    {
        var wanted = feeds.ToHashSet(StringComparer.Ordinal);
        return Catalog.Count == 0 ? [.. wanted] : [.. Catalog.Where(f => wanted.Contains(f.Name)).Select(f => f.Name)];
    }

    private async Task RenderLoopAsync(CancellationToken cancellationToken)
    {
        var ticksPerStats = Math.Max(1, (int)(StatsInterval / _options.RenderInterval));
        var ticksPerSecond = Math.Max(1, (int)(TimeSpan.FromSeconds(1) / _options.RenderInterval));
        try
        {
            for (var tick = 0L; await _ticker.WaitForNextTickAsync(cancellationToken); tick++)
            {
                if (tick % ticksPerStats == 0 && _statsPoll.IsCompleted)
                {
                    _statsPoll = RefreshServerStatsAsync(cancellationToken);
                }

                var changed = Interlocked.Exchange(ref _changed, 0) == 1;
                // Once a second anyway while running: "last item 5 s ago" must move when nothing else does.
                var clockDue = Running && tick % ticksPerSecond == 0;
                if (!Board.HasWork && !changed && !clockDue)
                {
                    continue;
                }

                await RenderOrReportAsync();
            }
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(cancellationToken))
        {
            // The circuit is going away.
        }
    }

    // The loop is the only thing that shows what arrives: a render that fails must not end it, or the view would
    // freeze while the status bar still says "live". The failure is logged and told; the next tick renders again.
    private async Task RenderOrReportAsync()
    {
        try
        {
            await RenderAsync();
        }
#pragma warning disable CA1031 // Whatever failed, the loop must go on; the failure is logged and shown.
        catch (Exception failure) when (failure is not OperationCanceledException)
#pragma warning restore CA1031
        {
            StreamLog.RenderFailed(_logger, failure);
            Problem = "Part of the view could not be shown; the dashboard carries on. If this repeats, reload the page.";
            MarkChanged();
        }
    }

    private async Task RenderAsync()
    {
        if (_dispatch is not { } dispatch)
        {
            return;
        }

        await dispatch(async () =>
        {
            await SettleFinishedRunsAsync();
            Board.Apply();
            Announce();
            _refresh?.Invoke();
        });
    }

    // When every feed has ended or was refused there is nothing left to watch: the session stops, and says why.
    private async Task SettleFinishedRunsAsync()
    {
        var runs = Runs;
        if (!Running || runs.Count == 0 || runs.Any(r => r.State is not (FeedRunState.Ended or FeedRunState.Failed)) || !_mutations.Wait(0))
        {
            // Nothing to settle, or a change is under way: the next tick looks again.
            return;
        }

        try
        {
            await SettleAsync(runs);
        }
        finally
        {
            _mutations.Release();
        }
    }

    private async Task SettleAsync(List<FeedRun> runs)
    {
        var problems = RunProblems;
        Problem = problems.Count > 0
            ? string.Join(" ", problems)
            : $"The stream ended: {string.Join(", ", runs.Select(r => r.Feed))} {(runs.Count == 1 ? "has" : "have")} no more items.";
        Running = false;
        await StopRunsAsync(runs);
        lock (_runs)
        {
            _positions.Clear();
        }

        ResumeView();
    }

    private void Announce()
    {
        var now = _time.GetUtcNow();
        var text = Describe();
        if (text != Announcement && now - _lastAnnounced >= AnnounceInterval)
        {
            Announcement = text;
            _lastAnnounced = now;
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

    // Off the render loop, and bounded: a feed server that stops answering must not freeze the live view.
    private async Task RefreshServerStatsAsync(CancellationToken cancellationToken)
    {
        ServerStats? stats;
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(StatsInterval);
        try
        {
            stats = await _client.GetServerStatsAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stats = null;
        }
#pragma warning disable CA1031 // The counters are a nicety: whatever fails, the loop must go on rendering items.
        catch (Exception failure) when (failure is not OperationCanceledException)
#pragma warning restore CA1031
        {
            StreamLog.StatsUnavailable(_logger, failure.Message);
            stats = null;
        }
        catch (OperationCanceledException)
        {
            return; // The circuit is going away.
        }

        if (stats != Server)
        {
            Server = stats;
            MarkChanged();
        }
    }
}
