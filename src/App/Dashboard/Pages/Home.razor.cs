using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.State;
using Tributary.App.Dashboard.Views;
using Tributary.App.Feeds;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Dashboard.Pages;

/// <summary>
/// The dashboard. Items from the hub are taken off the renderer's thread into a <see cref="LiveBoard"/>;
/// the view catches up at most once per render tick, so the render rate stays bounded whatever the item
/// rate. Disposing the page (or the circuit) cancels its stream, which stops the producers on the server.
/// </summary>
public partial class Home : IAsyncDisposable
{
    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _lifetime = new();
    private LiveBoard _board = null!;
    private IReadOnlyList<FeedInfo> _catalog = [];
    private IEnumerable<string> _selected = [];
    private CancellationTokenSource? _stream;
    private Task _streaming = Task.CompletedTask;
    private Task _rendering = Task.CompletedTask;
    private ServerStats? _serverStats;
    private string? _error;

    [Inject]
    private IFeedClient Client { get; set; } = null!;

    [Inject]
    private IRenderTicker Ticker { get; set; } = null!;

    [Inject]
    private IOptions<DashboardOptions> Options { get; set; } = null!;

    [Inject]
    private DashboardSelection Selection { get; set; } = null!;

    [Inject]
    private TimeProvider TimeProvider { get; set; } = null!;

    /// <summary>Feeds to select from the address, e.g. <c>/?feeds=news,ticker</c>, for links and load tests.</summary>
    [SupplyParameterFromQuery(Name = "feeds")]
    private string? FeedsFromQuery { get; set; }

    /// <summary>With <c>autostart=true</c>, the selection starts streaming as soon as the page is live.</summary>
    [SupplyParameterFromQuery(Name = "autostart")]
    private bool AutoStart { get; set; }

    private bool IsRunning => _stream is not null;

    private LiveView? _liveView;

    public async ValueTask DisposeAsync()
    {
        Client.StateChanged -= OnConnectionChanged;
        await _lifetime.CancelAsync();
        await StopAsync();
        await _rendering;
        Ticker.Dispose();
        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void OnInitialized()
    {
        var options = Options.Value;
        _board = new LiveBoard(options.TimelineCapacity, options.ChartPoints, TimeProvider);
        _selected = !string.IsNullOrWhiteSpace(FeedsFromQuery)
            ? FeedsFromQuery.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : Selection.Feeds.Count > 0 ? Selection.Feeds : options.DefaultFeeds;
        Client.StateChanged += OnConnectionChanged;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // Only once interactive: a prerender must not open a hub connection.
        try
        {
            _catalog = await Client.GetCatalogAsync(_lifetime.Token);
            _selected = [.. _selected.Where(name => _catalog.Any(f => f.Name == name))];
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            _error = $"Could not reach the feed server: {failure.Message}";
        }

        _rendering = RenderLoopAsync(_lifetime.Token);
        if (AutoStart && _selected.Any())
        {
            await StartAsync();
        }

        StateHasChanged();
    }

    private Task StartAsync()
    {
        var feeds = _selected.ToList();
        Selection.Feeds = feeds;
        _board.SetFeeds(_catalog.Where(f => feeds.Contains(f.Name)));
        _board.Paused = false;
        _error = null;
        var stream = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        _stream = stream;
        // Items are taken on the thread pool, not the renderer's thread: the render loop shows them.
        _streaming = Task.Run(() => ConsumeAsync(feeds, stream), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync()
    {
        if (_stream is not { } stream)
        {
            return;
        }

        _stream = null;
        await stream.CancelAsync();
        await _streaming;
        stream.Dispose();
    }

    private void TogglePause() => _board.Paused = !_board.Paused;

    private void Clear() => _board.Clear();

    private async Task ConsumeAsync(IReadOnlyList<string> feeds, CancellationTokenSource stream)
    {
        string? failure = null;
        try
        {
            await foreach (var item in Client.StreamAsync(feeds, stream.Token))
            {
                _board.Enqueue(item);
            }
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(stream.Token))
        {
            // Stopped by the user or by disposal: a normal end.
            return;
        }
        catch (Exception error)
        {
            failure = error.Message;
        }

        await InvokeAsync(() => EndStream(stream, failure ?? "The stream ended: its feeds have no more items."));
    }

    private void EndStream(CancellationTokenSource stream, string message)
    {
        if (!ReferenceEquals(_stream, stream))
        {
            return;
        }

        _stream = null;
        stream.Dispose();
        _error = message;
        StateHasChanged();
    }

    private async Task RenderLoopAsync(CancellationToken cancellationToken)
    {
        var statsEvery = Math.Max(1, (int)(StatsInterval / Options.Value.RenderInterval));
        var ticks = 0;
        try
        {
            while (await Ticker.WaitForNextTickAsync(cancellationToken))
            {
                var statsChanged = ticks++ % statsEvery == 0 && await RefreshServerStatsAsync(cancellationToken);
                if (!_board.HasWork && !statsChanged)
                {
                    // Nothing new: not even a trip to the renderer's thread.
                    continue;
                }

                await InvokeAsync(() =>
                {
                    if ((_board.Apply() || statsChanged) && _liveView is not null)
                    {
                        _liveView.Refresh(_serverStats);
                    }
                });
            }
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(cancellationToken))
        {
            // The page is going away.
        }
    }

    private async Task<bool> RefreshServerStatsAsync(CancellationToken cancellationToken)
    {
        var stats = await Client.GetServerStatsAsync(cancellationToken);
        var changed = stats != _serverStats;
        _serverStats = stats;
        return changed;
    }

    // Raised on the hub client's threads. The render goes through the dispatcher; a failure in it belongs
    // to this circuit, so it is handed to DispatchExceptionAsync rather than lost with the discarded task.
    private void OnConnectionChanged() => _ = RenderConnectionStateAsync();

    private async Task RenderConnectionStateAsync()
    {
        try
        {
            await InvokeAsync(StateHasChanged);
        }
        catch (Exception failure)
        {
            await DispatchExceptionAsync(failure);
        }
    }
}
