using Microsoft.Playwright;
using Tributary.Tests.Hosting;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>
/// An operator restarts the server while a tab watches. The feeds live in PostgreSQL, so their history outlives
/// the process: the page reloads by itself, streams the same feeds again and resumes each from the last
/// position it had, with no item repeated or missing.
/// </summary>
public sealed class ServerRestartTests(PostgresBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresBrowserFixture>
{
    [Fact]
    public async Task After_a_restart_the_page_resumes_the_same_feeds_without_repeating_or_missing_an_item()
    {
        var address = new Uri($"http://127.0.0.1:{LoopbackPort.FreeOutsideEphemeralRange()}/");
        var app = await StartAppAsync(address);
        await using var context = await fixture.Browser.NewContextAsync(new() { BaseURL = address.ToString(), ViewportSize = new() { Width = 1400, Height = 4000 } });
        var page = await context.NewPageAsync();
        try
        {
            await DashboardPage.OpenAsync(page, "/?feeds=ticks&autostart=true");
            await Assertions.Expect(page.Locator(".timeline-row[data-feed=ticks][data-seq='15']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await page.EvaluateAsync("() => window.beforeRestart = true");
            await app.DisposeAsync();

            // Read once the server is down: items go on arriving while it stops, and the page shows them.
            var beforeRestart = (await DashboardPage.SequencesAsync(page, "ticks")).Max();
            app = await StartAppAsync(address);

            // No user action: the page finds the server gone, then back without its circuit, and reloads.
            await page.WaitForFunctionAsync("() => !window.beforeRestart", null, new() { Timeout = 60_000, PollingInterval = 100 });
            Assert.EndsWith("/?feeds=ticks&autostart=true", page.Url, StringComparison.Ordinal);
            await DashboardPage.WaitUntilInteractiveAsync(page);
            var card = page.Locator(".feed-card[data-feed=ticks]");
            await Assertions.Expect(card.Locator(".feed-latest")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^No items|waiting"), new() { Timeout = 30_000 });

            // Paused, the card and the timeline hold still on the same moment: read what the new page received.
            await page.Locator("#pause").ClickAsync();
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "paused");
            var received = long.Parse((await card.Locator(".feed-count").TextContentAsync())!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            var newest = (await DashboardPage.SequencesAsync(page, "ticks")).Max();
            await page.Locator(".timeline").EvaluateAsync("t => t.scrollTop = t.scrollHeight");
            var oldest = (await DashboardPage.SequencesAsync(page, "ticks")).Min();
            output.WriteLine($"last before the restart: #{beforeRestart}; after: #{oldest}..#{newest}, {received} items; kept: {await page.EvaluateAsync<string>("() => sessionStorage.getItem('tributary.positions')")}");
            await Assertions.Expect(page.Locator(".timeline-row.kind-note")).ToContainTextAsync("continued from");
            Assert.True(oldest <= beforeRestart + 1, $"items #{beforeRestart + 1}..#{oldest - 1} are missing");
            Assert.Equal(newest - oldest + 1, received);
            await Assertions.Expect(card.Locator("[data-health]")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "server-restart.png") });
            await page.CloseAsync(new() { RunBeforeUnload = true });
            await app.DisposeAsync();
        }
    }

    private Task<LoopbackApp> StartAppAsync(Uri address) => LoopbackApp.StartAsync(new Dictionary<string, string?>
    {
        ["urls"] = address.ToString().TrimEnd('/'),
        ["Sharing:Engine"] = "Postgres",
        ["Sharing:Postgres:Schema"] = "e2e_restart",
        ["ConnectionStrings:Tributary"] = fixture.Postgres.ConnectionString,
        ["Feeds:10:Name"] = "ticks",
        ["Feeds:10:Kind"] = "counter",
        ["Feeds:10:Description"] = "A shared counter: its items are kept in PostgreSQL.",
        ["Feeds:10:Rate"] = "10",
        ["Feeds:10:Shared"] = "true",
    });
}
