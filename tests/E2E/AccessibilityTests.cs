using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>axe-core's rules over every page as users see them, wide and narrow, light and dark: no critical or serious violation.</summary>
public sealed class AccessibilityTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(1440, false)]
    [InlineData(1440, true)]
    [InlineData(390, false)]
    [InlineData(390, true)]
    public Task Every_page_has_no_serious_violations(int width, bool dark) =>
        PageSession.RunAsync(fixture, output, $"axe-{width}-{(dark ? "dark" : "light")}", async page =>
        {
            var how = $"{width} px, {(dark ? "dark" : "light")}";
            await Axe.SetUpAsync(page, fixture.BaseAddress, width, dark);

            await DashboardPage.OpenAsync(page, "/?feeds=news,weather,ticker,system,counter");
            await Axe.AssertNoSeriousViolationsAsync(page, $"dashboard, stopped, {how}", output);

            await page.Locator("#start").ClickAsync();
            await Assertions.Expect(page.Locator("[data-feed=ticker] .feed-chart svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator(".timeline-row")).Not.ToHaveCountAsync(0, DashboardPage.Patient);
            await page.Locator(".timeline-row .timeline-line").First.ClickAsync();
            await Assertions.Expect(page.Locator(".record-details")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, $"dashboard, streaming, a row open, {how}", output);

            await page.Keyboard.PressAsync("?");
            await Assertions.Expect(page.Locator("#keys-list")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, $"dashboard, keys overlay, {how}", output);
            await page.Locator("#keys-close").ClickAsync();

            await page.GotoAsync("/overview");
            await Assertions.Expect(page.Locator(".overview")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });
            await Axe.AssertNoSeriousViolationsAsync(page, $"overview, {how}", output);

            await page.GotoAsync("/raw?feeds=news");
            await Assertions.Expect(page.Locator(".raw-page")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });
            await page.Locator("#raw-start").ClickAsync();
            await Assertions.Expect(page.Locator("#raw-output")).ToHaveAttributeAsync("data-state", "live");
            await Axe.AssertNoSeriousViolationsAsync(page, $"raw stream, watching, {how}", output);

            await page.GotoAsync("/no-such-page");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("There is no page here");
            await Axe.AssertNoSeriousViolationsAsync(page, $"404, {how}", output);
        });

    [Fact]
    public Task Start_and_Stop_work_from_the_keyboard_and_keep_focus_on_a_control() =>
        PageSession.RunAsync(fixture, output, "keyboard", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=counter");
            await page.Locator("#start").FocusAsync();

            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("#stream-state")).Not.ToHaveAttributeAsync("data-state", "stopped");
            await Assertions.Expect(page.Locator("#stop")).ToBeFocusedAsync();

            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "stopped");
            await Assertions.Expect(page.Locator("#start")).ToBeFocusedAsync();
        });

    [Fact]
    public Task The_keys_pause_and_resume_focus_and_clear_the_filter_and_list_themselves() =>
        PageSession.RunAsync(fixture, output, "shortcuts", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=counter&autostart=true");
            await Assertions.Expect(page.Locator(".timeline-row")).Not.ToHaveCountAsync(0, DashboardPage.Patient);
            await page.Locator("h1").ClickAsync();

            await page.Keyboard.PressAsync(" ");
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "paused");
            await page.Keyboard.PressAsync("p");
            await Assertions.Expect(page.Locator("#stream-state")).Not.ToHaveAttributeAsync("data-state", "paused");

            await page.Keyboard.PressAsync("/");
            await Assertions.Expect(page.Locator("#timeline-text")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("no such row");
            await Assertions.Expect(page.Locator(".timeline-empty")).ToHaveTextAsync("No rows match the filter.");
            Assert.Contains("q=no", page.Url, StringComparison.Ordinal);
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(page.Locator(".timeline-row").First).ToBeVisibleAsync();

            await page.Keyboard.PressAsync("?");
            await Assertions.Expect(page.Locator("#keys-list")).ToContainTextAsync("Pause or resume");
        });
}
