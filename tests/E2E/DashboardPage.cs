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

    /// <summary>The sequence numbers of <paramref name="feed"/>'s data rows on screen, newest first.</summary>
    public static async Task<long[]> SequencesAsync(IPage page, string feed)
    {
        var values = await page.Locator($".timeline-row[data-feed='{feed}'][data-seq]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.seq)");
        return [.. values.Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
    }
}
