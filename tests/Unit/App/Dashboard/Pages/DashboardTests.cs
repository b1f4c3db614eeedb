using Bunit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Radzen;
using Radzen.Blazor.Rendering;
using Tributary.App.Dashboard;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.Pages;
using Tributary.App.Dashboard.State;
using Tributary.App.Dashboard.Views;
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
        // A chart measures itself through JS; give it a size, as a browser would.
        _context.JSInterop.Setup<Rect>("Radzen.createChart", _ => true).SetResult(new Rect { Width = 300, Height = 180 });
        _context.Services.AddRadzenComponents();
        _context.Services.AddSingleton<IFeedClient>(_client);
        _context.Services.AddSingleton<IRenderTicker>(_ticker);
        _context.Services.AddSingleton(Options.Create(new DashboardOptions { DefaultFeeds = ["news", "weather"] }));
        _context.Services.AddSingleton(new DashboardSelection());
        _context.Services.AddSingleton(TimeProvider.System);
    }

    [Fact]
    public async Task Start_streams_the_default_selection_and_a_tick_shows_the_items()
    {
        var cut = RenderDashboard();

        await ClickAsync(cut, "#start");
        _client.Write("news", """{"headline":"Harbour reopens","category":"city"}""");
        _client.Write("weather", """{"station":"Ridge","temperatureC":18.5,"humidityPercent":70,"windKph":12,"windDirection":"W"}""");
        await WaitForConsumedAsync(2);
        _ticker.Tick();

        Assert.Equal(["news", "weather"], Assert.Single(_client.StreamRequests));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".timeline-row").Count));
        Assert.Contains("Ridge 18.5 °C, 70% humidity, wind 12 km/h W", cut.Find(".timeline-row").TextContent, StringComparison.Ordinal);
        Assert.Equal("Harbour reopens", cut.Find("[data-feed=news] .feed-latest").TextContent);
        Assert.Equal("2", cut.Find("#total-items").TextContent);
    }

    [Fact]
    public async Task A_thousand_items_between_two_ticks_cost_one_render()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        _ticker.Tick();
        cut.WaitForAssertion(() => Assert.Equal("live", cut.Find("#stream-state").TextContent));

        for (var i = 1; i <= 1000; i++)
        {
            _client.Write("news", $$"""{"headline":"Item {{i}}","category":"tech"}""");
        }

        await WaitForConsumedAsync(1000);
        var pageRendersBefore = cut.Instance.Renders;
        var liveRendersBefore = LiveViewRenders(cut);
        _ticker.Tick();

        // A tick re-renders the live view once, whatever arrived since the last one, and not the page.
        cut.WaitForAssertion(() => Assert.Equal("1000", cut.Find("#total-items").TextContent));
        Assert.Equal(liveRendersBefore + 1, LiveViewRenders(cut));
        Assert.Equal(pageRendersBefore, cut.Instance.Renders);
        Assert.Equal("Item 1000", cut.Find("[data-feed=news] .feed-latest").TextContent);
    }

    [Fact]
    public async Task Pausing_freezes_the_view_but_keeps_counting()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        _client.Write("news", """{"headline":"Before the pause","category":"city"}""");
        await WaitForConsumedAsync(1);
        _ticker.Tick();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".timeline-row")));

        // Act: pause, then more items arrive
        await ClickAsync(cut, "#pause");
        _client.Write("news", """{"headline":"During the pause","category":"city"}""");
        await WaitForConsumedAsync(2);
        _ticker.Tick();

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("#total-items").TextContent));
        Assert.Single(cut.FindAll(".timeline-row"));
        Assert.Equal("Before the pause", cut.Find("[data-feed=news] .feed-latest").TextContent);
        Assert.Equal("paused", cut.Find("#stream-state").TextContent);
        Assert.Equal("Resume", cut.Find("#pause .rz-button-text").TextContent);
    }

    [Fact]
    public async Task Stop_cancels_the_stream()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");

        await ClickAsync(cut, "#stop");

        await _client.StreamCancelled.Task.DefaultTimeout();
        cut.WaitForAssertion(() => Assert.Equal("stopped", cut.Find("#stream-state").TextContent));
    }

    [Fact]
    public async Task Disposing_the_dashboard_cancels_its_stream()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        _client.Write("news", """{"headline":"One","category":"city"}""");
        await WaitForConsumedAsync(1);

        await cut.Instance.DisposeAsync();

        await _client.StreamCancelled.Task.DefaultTimeout();
    }

    [Fact]
    public async Task Clear_empties_the_timeline_and_the_counts()
    {
        var cut = RenderDashboard();
        await ClickAsync(cut, "#start");
        _client.Write("news", """{"headline":"One","category":"city"}""");
        await WaitForConsumedAsync(1);
        _ticker.Tick();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".timeline-row")));

        await ClickAsync(cut, "#clear");

        Assert.Empty(cut.FindAll(".timeline-row"));
        Assert.Equal("0", cut.Find("#total-items").TextContent);
    }

    [Fact]
    public async Task The_picker_decides_which_feeds_are_streamed_and_is_locked_while_streaming()
    {
        var cut = RenderDashboard();
        var picker = cut.FindComponent<FeedPicker>();

        await cut.InvokeAsync(() => picker.Instance.SelectedChanged.InvokeAsync(["counter", "system"]));
        await ClickAsync(cut, "#start");

        await _client.StreamRequested.Task.DefaultTimeout();
        Assert.Equal(["counter", "system"], Assert.Single(_client.StreamRequests));
        Assert.True(cut.FindComponent<FeedPicker>().Instance.Disabled);
        // Cards follow the catalog's order, whatever order the feeds were picked in.
        Assert.Equal(["system", "counter"], cut.FindAll(".feed-card h2").Select(h => h.TextContent));
    }

    [Fact]
    public async Task A_stream_error_is_shown_and_the_stream_is_marked_stopped()
    {
        _client.FailStreamWith = new HubException("Unknown feed 'nope'. Known feeds: news, weather.");
        var cut = RenderDashboard();

        await ClickAsync(cut, "#start");

        cut.WaitForAssertion(() => Assert.Contains("Unknown feed 'nope'", cut.Find("#stream-error").TextContent, StringComparison.Ordinal));
        Assert.Equal("stopped", cut.Find("#stream-state").TextContent);
    }

    [Fact]
    public void The_status_bar_follows_the_connection_state()
    {
        var cut = RenderDashboard();

        _client.SetState(FeedConnectionState.Reconnecting);

        cut.WaitForAssertion(() => Assert.Equal("reconnecting", cut.Find("#connection-state").GetAttribute("data-state")));
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    private IRenderedComponent<CountingHome> RenderDashboard()
    {
        var cut = _context.Render<CountingHome>();
        cut.WaitForAssertion(() => Assert.Contains("weather", cut.FindAll(".feed-picker").Single().TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
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

    private Task WaitForConsumedAsync(long count) => _client.WaitForConsumedAsync(count);
}
