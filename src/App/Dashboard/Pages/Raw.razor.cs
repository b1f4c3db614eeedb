using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.Session;

namespace Tributary.App.Dashboard.Pages;

/// <summary>
/// Explains the raw endpoint with curl commands for the current selection, offers history downloads, and
/// watches the stream from the browser. The commands name the server's configured public address and only
/// feeds from the catalog: nothing from the request (its query or <c>Host</c> header) reaches a shell line.
/// </summary>
public partial class Raw : IAsyncDisposable
{
    private const int MaxLines = 200;

    private static readonly string[] Formats = ["text", "ndjson", "sse"];

    private List<string> _selected = [];
    private string _format = "text";
    private ElementReference _output;
    private IJSObjectReference? _module;
    private IJSObjectReference? _watching;
    private string? _focusNext;
    private string? _copyStatus;
    private string? _unknown;
    private string _zone = "";

    [Inject]
    private DashboardSession Session { get; set; } = null!;

    [Inject]
    private FeedServerAddress Server { get; set; } = null!;

    [Inject]
    private IOptions<DashboardOptions> Options { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [Inject]
    private Security.FeedAccess Access { get; set; } = null!;

    /// <summary>Feeds to show commands for, e.g. <c>/raw?feeds=news</c>; only names in the catalog are used.</summary>
    [SupplyParameterFromQuery(Name = "feeds")]
    private string? FeedsFromQuery { get; set; }

    /// <summary>The format to show: text, ndjson or sse.</summary>
    [SupplyParameterFromQuery(Name = "format")]
    private string? FormatFromQuery { get; set; }

    private string FeedList => string.Join(",", _selected);

    private string StreamPath => $"/api/stream?feeds={FeedList}&format={_format}";

    private IReadOnlyList<string> Exports => [.. Session.Catalog.Where(f => f.Shared && _selected.Contains(f.Name)).Select(f => f.Name)];

    // A base with a path (https://example.com/tributary) keeps it: the stream is relative to it.
    private Uri PublicBase => new((string.IsNullOrWhiteSpace(Options.Value.PublicUrl) ? Server.BaseUrl.ToString() : Options.Value.PublicUrl).TrimEnd('/') + "/");

    private IEnumerable<(string Purpose, string Line)> Commands
    {
        get
        {
            var stream = new Uri(PublicBase, "api/stream").ToString();
            // With keys required, the command names where the key goes, never a key itself.
            var key = Access.Enabled ? " -H \"Authorization: Bearer $TRIBUTARY_KEY\"" : "";
            return
            [
                ("Live, with the chunk framing visible", $"curl -N --raw{key} '{stream}?feeds={FeedList}&format={_format}'"),
                ("Gzip-compressed, still live: every item is flushed through the compressor", $"curl -N --compressed{key} '{stream}?feeds={FeedList}'"),
                ("Server-sent events, ending after 20 items", $"curl -N{key} '{stream}?feeds={FeedList}&format=sse&limit=20'"),
            ];
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopWatchingAsync();
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

    protected override void OnInitialized()
    {
        if (Formats.Contains(FormatFromQuery))
        {
            _format = FormatFromQuery!;
        }
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

        await Session.EnsureReadyAsync(CancellationToken.None);
        var requested = FeedsFromQuery?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _selected = Known(requested is { Length: > 0 } ? requested : Session.Selected.Count > 0 ? Session.Selected : ["news", "weather"]);
        var unknown = UnknownFeeds.In(requested, Session.Catalog);
        _unknown = Session.IsReady && unknown.Count > 0 ? UnknownFeeds.Sentence(unknown, Session.Catalog) : null;
        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/raw-stream.js");
        _zone = await _module.InvokeAsync<string>("timeZone");
        StateHasChanged();
    }

    // Only catalog names: they are what the commands and the watched URL may contain.
    private List<string> Known(IEnumerable<string> feeds) => [.. Session.Catalog.Where(f => feeds.Contains(f.Name)).Select(f => f.Name)];

    private async Task SelectAsync(IEnumerable<string> feeds)
    {
        _selected = Known(feeds);
        _unknown = null;
        await RestartWatchingAsync();
    }

    private async Task SetFormatAsync(string format)
    {
        _format = Formats.Contains(format) ? format : "text";
        await RestartWatchingAsync();
    }

    // Watching follows the choices: a new format or selection restarts the view with them.
    private async Task RestartWatchingAsync()
    {
        if (_watching is null)
        {
            return;
        }

        await StopWatchingAsync();
        if (_selected.Count > 0)
        {
            await WatchAsync();
        }
    }

    private async Task WatchAsync()
    {
        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/raw-stream.js");
        _watching = await _module.InvokeAsync<IJSObjectReference>("start", _output, StreamPath, MaxLines);
        _focusNext = "raw-stop";
    }

    private async Task StopWatchingAsync()
    {
        if (_watching is { } watching)
        {
            _watching = null;
            await watching.InvokeVoidAsync("stop");
            await watching.DisposeAsync();
            _focusNext = "raw-start";
        }
    }

    private async Task CopyAsync(string line)
    {
        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/raw-stream.js");
        var copied = await _module.InvokeAsync<bool>("copy", line);
        _copyStatus = copied ? "Copied to the clipboard." : "Could not copy: select the command and copy it by hand.";
    }
}
