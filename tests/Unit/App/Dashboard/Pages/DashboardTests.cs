using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Tributary.App.Dashboard;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.Pages;
using Tributary.App.Dashboard.Session;
using Tributary.App.Dashboard.Views;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.Pages;

public sealed class DashboardTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private readonly FakeFeedClient _client = new();
    private readonly ManualRenderTicker _ticker = new();

    public DashboardTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddLogging();
        _context.Services.AddSingleton<IFeedClient>(_client);
        _context.Services.AddSingleton<IRenderTicker>(_ticker);
        _context.Services.AddSingleton(Options.Create(new DashboardOptions { DefaultFeeds = ["news", "weather"] }));
        _context.Services.AddSingleton(TimeProvider.System);
        _context.Services.AddScoped<DashboardSession>();
    }

    private NavigationManager Navigation => _context.Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task Start_streams_the_default_selection_and_a_tick_shows_the_items()
    {
        var cut = RenderDashboard();

        await ClickAsync(cut, "#start");
        _client.Write("news", """{"headline":"Harbour reopens","category":"city"}""");
        _client.Write("weather", """{"station":"Ridge","temperatureC":18.5,"humidityPercent":70,"windKph":12,"windDirection":"W"}""");
        await _client.WaitForConsumedAsync(2);
        _ticker.Tick();

        Assert.Equal(["news", "weather"], _client.StreamRequests.Select(r => r.Feed).Order());
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".timeline-row").Count));
        Assert.Contains("Ridge 18.5 °C, 70% humidity, wind 12 km/h W", cut.Find(".timeline-row[data-feed=weather]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Harbour reopens", cut.Find("[data-feed=news] .feed-latest").TextContent);
        // The news card lists its headlines once: the latest is the first of them, not repeated above them.
        Assert.Single(cut.FindAll(".feed-card[data-feed=news] *"), e => e.ChildElementCount == 0 && e.TextContent == "Harbour reopens");
        Assert.Equal("2", cut.Find("#total-items").TextContent);
        // Each card says what its feed is, from the catalog.
        Assert.Equal("Headlines", cut.Find(".feed-card[data-feed=news] .feed-description").TextContent);
    }

    [Fact]
    public async Task A_thousand_items_between_two_ticks_cost_one_render()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        _ticker.Tick();
        cut.WaitForAssertion(() => Assert.Contains(cut.Find("#stream-state").GetAttribute("data-state"), new[] { "live", "quiet" }));
        // Items made once the streams are open: live ones, as a server's would be.
        await TestTimeouts.WaitUntilAsync(() => _client.OpenStreams == 2);

        for (var i = 1; i <= 1000; i++)
        {
            _client.Write("news", $$"""{"headline":"Item {{i}}","category":"tech"}""");
        }

        await _client.WaitForConsumedAsync(1000);
        var pageRendersBefore = cut.Instance.Renders;
        var liveRendersBefore = LiveViewRenders(cut);
        _ticker.Tick();

        // A tick re-renders the live view once, whatever arrived since the last one, and not the page.
        cut.WaitForAssertion(() => Assert.Equal("1,000", cut.Find("#total-items").TextContent));
        Assert.Equal(liveRendersBefore + 1, LiveViewRenders(cut));
        Assert.Equal(pageRendersBefore, cut.Instance.Renders);
        Assert.Equal("Item 1000", cut.Find("[data-feed=news] .feed-latest").TextContent);
    }

    [Fact]
    public async Task Pausing_holds_the_view_and_Resume_shows_what_arrived_meanwhile()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        _client.Write("news", """{"headline":"Before the pause","category":"city"}""");
        await _client.WaitForConsumedAsync(1);
        _ticker.Tick();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".timeline-row")));

        await ClickAsync(cut, "#pause");
        _client.Write("news", """{"headline":"During the pause","category":"city"}""");
        await _client.WaitForConsumedAsync(2);
        _ticker.Tick();

        cut.WaitForAssertion(() => Assert.Contains("1 new item waiting", cut.Find("#paused-note").TextContent, StringComparison.Ordinal));
        Assert.Single(cut.FindAll(".timeline-row"));
        Assert.Equal("Before the pause", cut.Find("[data-feed=news] .feed-latest").TextContent);
        Assert.Equal("Resume", cut.Find("#pause").TextContent.Trim());

        await ClickAsync(cut, "#pause");
        _ticker.Tick();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".timeline-row").Count));
        Assert.Equal("During the pause", cut.Find("[data-feed=news] .feed-latest").TextContent);
        Assert.Contains("Showing 1 item that arrived while paused", cut.Find("#resumed-note").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_cancels_the_streams_and_the_address_follows()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        Assert.EndsWith("?feeds=news,weather&autostart=true", Navigation.Uri, StringComparison.Ordinal);

        await ClickAsync(cut, "#stop");

        await _client.StreamCancelled.Task.DefaultTimeout();
        cut.WaitForAssertion(() => Assert.Equal("stopped", cut.Find("#stream-state").TextContent));
        Assert.EndsWith("?feeds=news,weather", Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal("No items. Press Start to watch this feed.", cut.Find("[data-feed=news] .feed-latest").TextContent);
    }

    [Fact]
    public async Task Its_own_addresses_reported_back_late_do_not_undo_what_the_user_did_since()
    {
        // Arrange: the browser confirms each address the page pushes only later, as on a busy machine.
        var navigation = new LateNavigationManager();
        _context.Services.AddSingleton<NavigationManager>(navigation);
        var cut = RenderDashboard();
        while (navigation.Pending > 0)
        {
            navigation.LandNext();
        }

        // Act: a new selection (not running) and Start, both pushed before either comes back.
        var picker = cut.FindComponent<FeedPicker>();
        await cut.InvokeAsync(() => picker.Instance.SelectedChanged.InvokeAsync(["news"]));
        await ClickAsync(cut, "#start");
        await _client.WaitForStreamRequestAsync("news");
        await cut.InvokeAsync(() =>
        {
            while (navigation.Pending > 0)
            {
                navigation.LandNext();
            }
        });
        _ticker.Tick();

        // Assert: the stream still runs, and the address says so.
        cut.WaitForAssertion(() => Assert.NotEqual("stopped", cut.Find("#stream-state").GetAttribute("data-state")));
        Assert.Equal(1, _client.OpenStreams);
        Assert.EndsWith("?feeds=news&autostart=true", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaving_the_page_keeps_the_streams_and_closing_the_circuit_stops_them()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        _client.Write("news", """{"headline":"One","category":"city"}""");
        await _client.WaitForConsumedAsync(1);

        await TestTimeouts.WaitUntilAsync(() => _client.OpenStreams == 2);
        await cut.Instance.DisposeAsync();
        Assert.Equal(2, _client.OpenStreams);
        await _context.DisposeAsync();

        Assert.Equal(0, _client.OpenStreams);
    }

    [Fact]
    public async Task Clear_empties_the_timeline_and_the_counts()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        _client.Write("news", """{"headline":"One","category":"city"}""");
        await _client.WaitForConsumedAsync(1);
        _ticker.Tick();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".timeline-row")));

        await ClickAsync(cut, "#clear");
        _ticker.Tick();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".timeline-row")));
        Assert.Equal("0", cut.Find("#total-items").TextContent);
    }

    [Fact]
    public async Task Feeds_can_be_added_while_streaming_and_cards_follow_the_catalog_order()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        await _client.StreamRequested.Task.DefaultTimeout();

        var picker = cut.FindComponent<FeedPicker>();
        Assert.False(picker.Instance.Disabled);
        await cut.InvokeAsync(() => picker.Instance.SelectedChanged.InvokeAsync(["counter", "news", "weather"]));
        // The counter's stream opens on its own run: wait for it, not for a render.
        await _client.WaitForStreamRequestAsync("counter");
        _ticker.Tick();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".feed-card h2").Count));
        Assert.Equal(["news", "weather", "counter"], cut.FindAll(".feed-card h2").Select(h => h.TextContent));
        Assert.EndsWith("?feeds=news,weather,counter&autostart=true", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_stream_shows_the_servers_words()
    {
        // The refusal is handled on the feed's own run, at a moment no signal marks, so one hand-made tick may come
        // before it: here the page renders on the real clock, and the test waits for what it must show.
        _context.Services.AddSingleton<IRenderTicker>(sp => new PeriodicRenderTicker(sp.GetRequiredService<IOptions<DashboardOptions>>(), TimeProvider.System));
        _client.Refuse["news"] = new HubException("Unknown feed 'nope'. Known feeds: news, weather.");
        var cut = RenderDashboard();

        await ClickAsync(cut, "#start");

        cut.WaitForAssertion(() => Assert.Contains("Unknown feed 'nope'", cut.Find("#stream-error").TextContent, StringComparison.Ordinal), TestTimeouts.Hang);
    }

    [Fact]
    public void An_unknown_feed_in_the_address_is_named()
    {
        Navigation.NavigateTo("/?feeds=bogus&autostart=true");

        var cut = RenderDashboard(showing: "");

        cut.WaitForAssertion(() => Assert.Contains("a feed this server does not offer you: 'bogus'", cut.Find("#stream-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(_client.StreamRequests);
    }

    [Fact]
    public void The_address_chooses_the_feeds_and_the_counters_settings_and_starts_them()
    {
        Navigation.NavigateTo("/?feeds=counter&autostart=true&rate=250&count=1000");

        RenderDashboard(showing: "counter");

        var request = _client.StreamRequests.ToArray();
        Assert.Equal([("counter", new FeedStreamSettings(250, 1000))], request);
    }

    [Fact]
    public void The_status_bar_follows_the_connection_state()
    {
        var cut = RenderDashboard();

        _client.SetState(FeedConnectionState.Reconnecting);
        _ticker.Tick();

        cut.WaitForAssertion(() => Assert.Equal("reconnecting", cut.Find("#connection-state").GetAttribute("data-state")));
    }

    [Fact]
    public async Task A_counter_rate_out_of_range_is_refused_in_the_form_and_nothing_is_sent()
    {
        Navigation.NavigateTo("/?feeds=counter&autostart=true");
        var cut = RenderDashboard(showing: "counter");
        await _client.StreamRequested.Task.DefaultTimeout();

        await cut.InvokeAsync(() => cut.Find("#counter-rate").Change("-5"));

        cut.WaitForAssertion(() => Assert.Contains("Rate must be 0 (as fast as possible) or from 0.001 to 1,000 items per second.", cut.Markup, StringComparison.Ordinal));
        Assert.Equal("true", cut.Find("#counter-rate").GetAttribute("aria-invalid"));
        Assert.Single(_client.StreamRequests);
        Assert.DoesNotContain("rate=", Navigation.Uri, StringComparison.Ordinal);

        await cut.InvokeAsync(() => cut.Find("#counter-rate").Change("50"));

        await TestTimeouts.WaitUntilAsync(() => _client.StreamRequests.Count == 2);
        Assert.Equal(50, _client.StreamRequests.Last().Settings.Rate);
    }

    [Fact]
    public void The_overview_shows_every_feed_with_its_state_readers_producer_and_the_engine()
    {
        _client.Stats = () => new StreamStatsSnapshot("postgres", "host-7", 3, 2, 1, 1, 1234,
            new Dictionary<string, EndpointStatsSnapshot>(),
            new Dictionary<string, SharedFeedSnapshot> { ["ticker"] = new("running", 5, 12, 4321, 1, 2, Producer: false) });

        var cut = _context.Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".overview").GetAttribute("data-ready")), TimeSpan.FromSeconds(10));
        var ticker = cut.Find("tr[data-feed=ticker]");
        Assert.Equal("running", ticker.QuerySelector("[data-column=state]")!.TextContent);
        Assert.Equal("another instance", ticker.QuerySelector("[data-column=producer]")!.TextContent);
        Assert.Contains("4,321", ticker.TextContent, StringComparison.Ordinal);
        Assert.Contains("private to each stream", cut.Find("tr[data-feed=counter]").TextContent, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", cut.Find("#overview-engine").TextContent, StringComparison.Ordinal);
        Assert.Equal("host-7", cut.Find("#overview-instance").TextContent);
    }

    [Fact]
    public void The_overview_says_so_when_the_figures_cannot_be_read()
    {
        _client.Stats = () => null;

        var cut = _context.Render<Overview>();

        cut.WaitForAssertion(() => Assert.Contains("cannot be read", cut.Find("#overview-problem").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    // Rendered and settled: the picker shows the selection the address (or the defaults) made.
    private IRenderedComponent<CountingHome> RenderDashboard(string showing = "weather")
    {
        var cut = _context.Render<CountingHome>();
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".dashboard").GetAttribute("data-ready")), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() => Assert.Contains(showing, cut.Find(".feed-picker input").GetAttribute("value"), StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        return cut;
    }

    private static Task ClickAsync(IRenderedComponent<CountingHome> cut, string selector) =>
        cut.InvokeAsync(() => cut.Find(selector).Click());

    private static long LiveViewRenders(IRenderedComponent<CountingHome> cut) =>
        long.Parse(cut.Find(".live-view").GetAttribute("data-renders")!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The dashboard, counting its own renders (bunit's RenderCount also counts its children's).</summary>
    private sealed class CountingHome : Home
    {
        public int Renders { get; private set; }

        protected override Task OnAfterRenderAsync(bool firstRender)
        {
            Renders++;
            return base.OnAfterRenderAsync(firstRender);
        }
    }
}
