using Microsoft.Playwright;

namespace Tributary.Tests.E2E;

/// <summary>What the dashboard's browser tests share: opening it once it is interactive, and reading its timeline.</summary>
internal static class DashboardPage
{
    public static readonly LocatorAssertionsToHaveCountOptions Patient = new() { Timeout = 30_000 };

    /// <summary>Opens <paramref name="path"/> and waits until the page is interactive and connected to the hub.</summary>
    public static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitUntilInteractiveAsync(page);
    }

    public static async Task WaitUntilInteractiveAsync(IPage page)
    {
        await Assertions.Expect(page.Locator(".dashboard")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#connection-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
    }

    /// <summary>
    /// Chooses exactly <paramref name="feeds"/> in the feed picker (each click is a round trip to the server) and
    /// waits until their cards show, in the catalog's order.
    /// </summary>
    public static async Task ChooseFeedsAsync(IPage page, params string[] feeds)
    {
        await page.Locator("#feed-picker").ClickAsync();
        var options = page.Locator(".mud-popover-open [role=option]");
        await Assertions.Expect(options.First).ToBeVisibleAsync();
        for (var i = 0; i < await options.CountAsync(); i++)
        {
            var option = options.Nth(i);
            var feed = await option.Locator(".feed-option").GetAttributeAsync("data-feed");
            var wanted = feeds.Contains(feed);
            if (await option.GetAttributeAsync("aria-selected") == "true" != wanted)
            {
                await option.ClickAsync();
                await Assertions.Expect(option).ToHaveAttributeAsync("aria-selected", wanted ? "true" : "false");
            }
        }

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator(".feed-card h2")).ToHaveCountAsync(feeds.Length);
    }

    /// <summary>Switches the palette with the header's switch and waits until the page shows it.</summary>
    public static async Task SwitchThemeAsync(IPage page, bool dark)
    {
        await page.Locator("#theme-switch").ClickAsync();
        await Assertions.Expect(page.Locator("#theme-switch")).ToHaveAttributeAsync("aria-pressed", dark ? "true" : "false");
    }

    /// <summary>The sequence numbers of <paramref name="feed"/>'s data rows on screen, newest first.</summary>
    public static async Task<long[]> SequencesAsync(IPage page, string feed)
    {
        var values = await page.Locator($".timeline-row[data-feed='{feed}'][data-seq]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.seq)");
        return [.. values.Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
    }
}
