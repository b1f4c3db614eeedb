using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.Session;
using Tributary.App.Dashboard.State;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.App.Dashboard.Pages;

/// <summary>
/// The operators' overview: every feed with its state, readers, producer, item rate, drops and upstream, and the
/// engine, live. The page owns its poll of <c>/api/stats</c>: it starts when the page is interactive and stops when
/// the page goes away.
/// </summary>
public partial class Overview : IAsyncDisposable
{
    /// <summary>How often the figures are read.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _lifetime = new();
    private Task _polling = Task.CompletedTask;
    private StreamStatsSnapshot? _stats;
    private IReadOnlyList<OverviewRow>? _rows;
    private DateTimeOffset? _readAt;
    private string? _problem;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;

    [Inject]
    private DashboardSession Session { get; set; } = null!;

    [Inject]
    private IFeedClient Client { get; set; } = null!;

    [Inject]
    private TimeProvider TimeProvider { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    private string ZoneName => _zone == TimeZoneInfo.Utc ? "UTC" : _zone.Id;

    public async ValueTask DisposeAsync()
    {
        // Cancelled, not disposed: the first render's work may still be on its way and read the token.
        await _lifetime.CancelAsync();
        await _polling;
        GC.SuppressFinalize(this);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // Only once interactive: a prerender must not open the hub connection.
        var token = _lifetime.Token;
        await Session.EnsureReadyAsync(token);
        await using (var module = await JS.InvokeAsync<IJSObjectReference>("import", token, "./js/dashboard.js"))
        {
            _zone = TimeZones.Named(await module.InvokeAsync<string>("timeZone", token));
        }

        // The page may have gone away meanwhile; then nothing would own the poll.
        if (!token.IsCancellationRequested)
        {
            _polling = PollAsync(token);
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval, TimeProvider);
        try
        {
            do
            {
                await ReadAsync(cancellationToken);
                await InvokeAsync(StateHasChanged);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page is going away.
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        using var read = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        read.CancelAfter(PollInterval);
        StreamStatsSnapshot? stats;
        try
        {
            stats = await Client.GetServerStatsAsync(read.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stats = null;
        }

        var now = TimeProvider.GetUtcNow();
        if (stats is null)
        {
            _problem = "The server's figures cannot be read right now (it may be restarting); the page tries again every few seconds.";
            return;
        }

        _rows = OverviewRow.From(Session.Catalog, stats, _stats, _readAt is { } before ? now - before : TimeSpan.Zero);
        (_stats, _readAt, _problem) = (stats, now, null);
    }

    private static string Upstream(SharedFeedSnapshot feed) => feed.UpstreamConnections == 0 && feed.Reconnects == 0
        ? "–"
        : $"{Display.Count(feed.UpstreamConnections, "connection")}, {Display.Count(feed.Reconnects, "reconnect")}";
}
