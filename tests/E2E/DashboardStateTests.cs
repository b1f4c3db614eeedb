using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>The dashboard says what is true about its connection and keeps what the user chose.</summary>
public sealed class DashboardStateTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Offline_for_five_seconds_shows_not_live_at_once_and_recovers() =>
        PageSession.RunAsync(fixture, output, "offline", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=counter&autostart=true");
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });

            await page.Context.SetOfflineAsync(true);

            await Assertions.Expect(page.Locator("#link-state")).ToContainTextAsync("offline", new() { Timeout = 2_000 });
            await Assertions.Expect(page.Locator("#stream-state")).ToBeHiddenAsync(new() { Timeout = 2_000 });
            // Nor a rate or a count beside the sentence that says nothing can arrive.
            await Assertions.Expect(page.Locator("#items-per-second")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator("#total-items")).ToBeHiddenAsync();
            await page.WaitForTimeoutAsync(5_000);
            await page.Context.SetOfflineAsync(false);

            await Assertions.Expect(page.Locator("#link-state")).ToBeHiddenAsync(new() { Timeout = 5_000 });
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 10_000 });
        });

    [Fact]
    public Task A_reload_keeps_the_selection_whether_it_runs_and_the_theme() =>
        PageSession.RunAsync(fixture, output, "reload-keeps-state", async page =>
        {
            await DashboardPage.OpenAsync(page, "/");
            await DashboardPage.ChooseFeedsAsync(page, "news", "ticker", "system");
            await page.Locator("#start").ClickAsync();
            await DashboardPage.SwitchThemeAsync(page, dark: true);
            await WaitForCookieAsync(page, "TributaryTheme", "dark");

            await page.ReloadAsync();
            await DashboardPage.WaitUntilInteractiveAsync(page);

            await Assertions.Expect(page.Locator(".feed-card h2")).ToHaveTextAsync(["news", "ticker", "system"]);
            await Assertions.Expect(page.Locator("#stream-state")).Not.ToHaveAttributeAsync("data-state", "stopped");
            // Dark from the first byte: the server read the cookie (the prerender has the dark palette).
            await Assertions.Expect(page.Locator("#theme-switch")).ToHaveAttributeAsync("aria-pressed", "true");
            Assert.Equal("rgb(18, 20, 23)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
            await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-dark") });

            // Back to the light theme for the other tests' screenshots (the cookie belongs to this context only).
            await DashboardPage.SwitchThemeAsync(page, dark: false);
        });

    [Fact]
    public Task Going_to_the_raw_page_and_back_keeps_the_stream_and_the_board() =>
        PageSession.RunAsync(fixture, output, "raw-and-back", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=counter&autostart=true");
            await Assertions.Expect(page.Locator(".timeline-row")).Not.ToHaveCountAsync(0, DashboardPage.Patient);

            await page.GetByRole(AriaRole.Link, new() { Name = "Raw stream" }).ClickAsync();
            await Assertions.Expect(page.Locator(".raw-page")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();

            await Assertions.Expect(page.Locator("#stream-state")).Not.ToHaveAttributeAsync("data-state", "stopped");
            Assert.EndsWith("/?feeds=counter&autostart=true", page.Url, StringComparison.Ordinal);
            await Assertions.Expect(page.Locator(".timeline-row")).Not.ToHaveCountAsync(0);
        });

    [Fact]
    public Task An_unknown_feed_in_the_address_is_named() =>
        PageSession.RunAsync(fixture, output, "unknown-feed", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=bogus&autostart=true");

            await Assertions.Expect(page.Locator("#stream-error")).ToContainTextAsync("a feed this server does not offer you: 'bogus'");
        });

    [Fact]
    public async Task On_a_phone_live_data_is_on_the_first_screen()
    {
        await using var context = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = fixture.BaseAddress.ToString(),
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        var page = await context.NewPageAsync();
        await DashboardPage.OpenAsync(page, "/?feeds=news,weather,ticker,system&autostart=true");
        await Assertions.Expect(page.Locator(".timeline-row").First).ToBeVisibleAsync(new() { Timeout = 30_000 });

        var timeline = await page.Locator(".timeline").BoundingBoxAsync();

        await page.ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-phone") });
        Assert.NotNull(timeline);
        Assert.True(timeline.Y < 844 - 100, $"the timeline starts at {timeline.Y} px, below the first screen");
        await page.CloseAsync(new() { RunBeforeUnload = true });
    }

    private static string ScreenshotPath(string name) => Path.Combine(AppContext.BaseDirectory, "screenshots", $"{name}.png");

    private static async Task WaitForCookieAsync(IPage page, string name, string value)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!(await page.Context.CookiesAsync()).Any(c => c.Name == name && c.Value == value))
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
