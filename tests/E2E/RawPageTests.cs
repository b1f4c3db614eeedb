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
            await Assertions.Expect(page.Locator("#curl-commands")).ToContainTextAsync("curl -N --raw '" + fixture.BaseAddress + "api/stream?feeds=counter,weather&format=text'");
            // Prerendered buttons look enabled before the circuit is live; wait for the page to be interactive.
            await Assertions.Expect(page.Locator(".raw-page")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });

            await page.Locator("#raw-start").ClickAsync();

            await Assertions.Expect(page.Locator("#raw-output")).ToHaveAttributeAsync("data-state", "live");
            await Assertions.Expect(page.Locator("#raw-output .raw-line", new() { HasText = "counter" }).Nth(2)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.Locator("#raw-stop").ClickAsync();
            await Assertions.Expect(page.Locator("#raw-output")).ToHaveAttributeAsync("data-state", "stopped");
        });
}
