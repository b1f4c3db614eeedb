using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>axe-core's rules over the pages as users see them, with no critical or serious violation allowed.</summary>
public sealed class AccessibilityTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task The_dashboard_has_no_serious_violations_stopped_or_streaming_in_either_theme() =>
        PageSession.RunAsync(fixture, output, "axe-dashboard", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=news,weather,ticker,system,counter");
            await AssertNoSeriousViolationsAsync(page, "dashboard, stopped");

            await page.Locator("#start").ClickAsync();
            await Assertions.Expect(page.Locator("[data-feed=ticker] .feed-chart svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator(".timeline-row")).Not.ToHaveCountAsync(0, DashboardPage.Patient);
            await AssertNoSeriousViolationsAsync(page, "dashboard, streaming");

            await DashboardPage.SwitchThemeAsync(page, dark: true);
            await AssertNoSeriousViolationsAsync(page, "dashboard, streaming, dark");
        });

    [Fact]
    public Task The_raw_stream_page_has_no_serious_violations() =>
        PageSession.RunAsync(fixture, output, "axe-raw", async page =>
        {
            await page.GotoAsync("/raw?feeds=news");
            await Assertions.Expect(page.Locator(".raw-page")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });
            await page.Locator("#raw-start").ClickAsync();
            await Assertions.Expect(page.Locator("#raw-output")).ToHaveAttributeAsync("data-state", "live");

            await AssertNoSeriousViolationsAsync(page, "raw stream, watching");
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

    private async Task AssertNoSeriousViolationsAsync(IPage page, string what)
    {
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "critical" or "serious").ToList();
        foreach (var violation in serious)
        {
            output.WriteLine($"{what}: {violation.Impact} {violation.Id}: {violation.Help}");
            foreach (var node in violation.Nodes.Take(5))
            {
                output.WriteLine($"    {node.Target}: {node.Html}");
            }
        }

        Assert.True(serious.Count == 0, $"{what}: {string.Join(", ", serious.Select(v => $"{v.Impact} {v.Id} ({v.Nodes.Length})"))}");
    }
}
