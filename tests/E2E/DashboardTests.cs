using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

public sealed class DashboardTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToHaveCountOptions Patient = new() { Timeout = 30_000 };

    [Fact]
    public Task Choosing_feeds_shows_live_items_and_charts() =>
        PageSession.RunAsync(fixture, output, "dashboard-live", async page =>
        {
            await OpenDashboardAsync(page);

            // Keep only ticker from the default selection, and add counter.
            await DashboardPage.ChooseFeedsAsync(page, "ticker", "counter");
            await page.Locator("#start").ClickAsync();

            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "live");
            await Assertions.Expect(page.Locator(".feed-card h2")).ToHaveTextAsync(["ticker", "counter"]);
            await Assertions.Expect(page.Locator("[data-feed=ticker] .feed-chart svg path.mud-chart-serie").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("[data-feed=counter] .feed-latest")).ToContainTextAsync("value ");
            // The address follows the choice, so a reload or a shared link shows the same.
            Assert.EndsWith("/?feeds=ticker,counter&autostart=true", page.Url, StringComparison.Ordinal);
            await Assertions.Expect(page.Locator(".timeline-row")).Not.ToHaveCountAsync(0, Patient);
            await Assertions.Expect(page.Locator(".timeline-feed", new() { HasText = "news" })).ToHaveCountAsync(0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-light.png") });
        });

    [Fact]
    public Task Pause_holds_the_view_while_counting_and_Stop_ends_the_stream() =>
        PageSession.RunAsync(fixture, output, "dashboard-pause-stop", async page =>
        {
            await OpenDashboardAsync(page);
            await page.Locator("#start").ClickAsync();
            await Assertions.Expect(page.Locator(".timeline-row")).Not.ToHaveCountAsync(0, Patient);

            // Act - 1: pause
            await page.Locator("#pause").ClickAsync();
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "paused");
            var newestWhenPaused = await page.Locator(".timeline-row").First.TextContentAsync();
            var totalWhenPaused = await TotalAsync(page);

            // Assert - 1: items keep being counted and kept, the view does not move
            await Assertions.Expect(page.Locator("#total-items")).Not.ToHaveTextAsync(totalWhenPaused.ToString(CultureInfo.InvariantCulture), new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#paused-note")).ToContainTextAsync("waiting");
            Assert.Equal(newestWhenPaused, await page.Locator(".timeline-row").First.TextContentAsync());

            // Act - 2: resume, and what arrived meanwhile is shown
            await page.Locator("#pause").ClickAsync();
            await Assertions.Expect(page.Locator("#resumed-note")).ToContainTextAsync("arrived while paused");
            await Assertions.Expect(page.Locator(".timeline-row").First).Not.ToHaveTextAsync(newestWhenPaused!, new() { Timeout = 30_000 });

            // Act - 3: stop
            await page.Locator("#stop").ClickAsync();
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "stopped");
            await Assertions.Expect(page.Locator("#start")).ToBeEnabledAsync();
        });

    private static Task OpenDashboardAsync(IPage page) => DashboardPage.OpenAsync(page, "/");

    private static async Task<long> TotalAsync(IPage page) =>
        long.Parse(await page.Locator("#total-items").TextContentAsync() ?? "0", NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
}
