using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

public sealed class RawPageTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task The_raw_page_shows_curl_commands_and_live_items_fetched_by_the_browser() =>
        PageSession.RunAsync(fixture, output, "raw-live", async page =>
        {
            await page.GotoAsync("/raw?feeds=counter,weather");
            await Assertions.Expect(page.Locator("#curl-commands")).ToContainTextAsync("curl -N --raw '" + fixture.BaseAddress + "api/stream?feeds=weather,counter&format=text'");
            // Prerendered buttons look enabled before the circuit is live; wait for the page to be interactive.
            await Assertions.Expect(page.Locator(".raw-page")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });

            await page.Locator("#raw-start").ClickAsync();

            await Assertions.Expect(page.Locator("#raw-output")).ToHaveAttributeAsync("data-state", "live");
            await Assertions.Expect(page.Locator("#raw-output .raw-line", new() { HasText = "counter" }).Nth(2)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            // Newest first, each line beside the time it arrived in the browser's zone, which the page names.
            var received = await page.Locator("#raw-output .raw-received").EvaluateAllAsync<string[]>("times => times.map(t => t.dateTime)");
            Assert.Equal(received.OrderDescending(StringComparer.Ordinal), received);
            await Assertions.Expect(page.Locator("#raw-zone")).Not.ToBeEmptyAsync();
            await Assertions.Expect(page.Locator("#raw-output .raw-text").First).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d:\d\d:\d\d\.\d{3}Z"));

            // Switching the format while watching restarts the view in the new format.
            await page.GetByRole(AriaRole.Radio, new() { Name = "NDJSON" }).ClickAsync();
            await Assertions.Expect(page.Locator("#raw-url")).ToHaveTextAsync("/api/stream?feeds=weather,counter&format=ndjson");
            await Assertions.Expect(page.Locator("#raw-output .raw-line", new() { HasText = "\"feed\":\"counter\"" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#raw-stop")).ToBeFocusedAsync();

            await page.Locator("#raw-stop").ClickAsync();
            await Assertions.Expect(page.Locator("#raw-output")).ToHaveAttributeAsync("data-state", "stopped");
            await Assertions.Expect(page.Locator("#export-links a[href='/api/export/weather.csv']")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator(".copy-command")).ToHaveCountAsync(3);
        });

    [Fact]
    public Task Commands_name_only_catalog_feeds_whatever_the_address_says() =>
        PageSession.RunAsync(fixture, output, "raw-hostile-address", async page =>
        {
            await page.GotoAsync("/raw?feeds=news,'%3Brm%20-rf%20~%3B'");
            await Assertions.Expect(page.Locator(".raw-page")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });

            await Assertions.Expect(page.Locator("#curl-commands")).ToContainTextAsync("api/stream?feeds=news&format=text'");
            await Assertions.Expect(page.Locator("#curl-commands")).Not.ToContainTextAsync("rm -rf");
        });
}
