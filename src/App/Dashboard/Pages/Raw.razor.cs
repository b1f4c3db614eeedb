using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.State;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.Pages;

/// <summary>Explains the raw endpoint with curl commands for the current selection, and watches it from the browser.</summary>
public partial class Raw : IAsyncDisposable
{
    private const int MaxLines = 200;

    private IReadOnlyList<FeedInfo> _catalog = [];
    private IEnumerable<string> _selected = [];
    private string _format = "text";
    private ElementReference _output;
    private IJSObjectReference? _module;
    private IJSObjectReference? _watching;

    [Inject]
    private IFeedClient Client { get; set; } = null!;

    [Inject]
    private DashboardSelection Selection { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [SupplyParameterFromQuery(Name = "feeds")]
    private string? FeedsFromQuery { get; set; }

    private string FeedList => string.Join(",", _selected.DefaultIfEmpty("news"));

    private string StreamPath => $"/api/stream?feeds={FeedList}&format={_format}";

    private string StreamUrl => new Uri(new Uri(Navigation.BaseUri), StreamPath).ToString();

    private string Commands
    {
        get
        {
            var baseUrl = new Uri(new Uri(Navigation.BaseUri), "/api/stream").ToString();
            return $"""
                # live, with the chunk framing visible
                curl -N --raw '{StreamUrl}'

                # gzip-compressed, still live: every item is flushed through the compressor
                curl -N --compressed '{baseUrl}?feeds={FeedList}'

                # server-sent events, ending after 20 items
                curl -N '{baseUrl}?feeds={FeedList}&format=sse&limit=20'
                """;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The browser is gone, and its fetch with it: nothing is left to stop.
        }

        GC.SuppressFinalize(this);
    }

    protected override void OnInitialized() =>
        _selected = string.IsNullOrWhiteSpace(FeedsFromQuery)
            ? (Selection.Feeds.Count > 0 ? Selection.Feeds : ["news", "weather"])
            : FeedsFromQuery.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _catalog = await Client.GetCatalogAsync(CancellationToken.None);
            StateHasChanged();
        }
    }

    private async Task WatchAsync()
    {
        Selection.Feeds = [.. _selected];
        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/raw-stream.js");
        _watching = await _module.InvokeAsync<IJSObjectReference>("start", _output, StreamPath, MaxLines);
    }

    private async Task StopAsync()
    {
        if (_watching is { } watching)
        {
            _watching = null;
            await watching.InvokeVoidAsync("stop");
            await watching.DisposeAsync();
        }
    }
}
