using System.Globalization;
using Microsoft.Playwright;

namespace Tributary.Load;

/// <summary>K dashboard pages in headless Chromium, each watching a 1,000 items/s counter feed.</summary>
internal static class DashboardMode
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static async Task<List<LoadResult>> RunAsync(Uri server, ServerProcess process, int pages, TimeSpan window, string chromium, CancellationToken cancellationToken)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { Headless = true, ExecutablePath = chromium, Args = ChromiumArgs });
        var open = new List<IPage>();
        for (var i = 0; i < pages; i++)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(server, "/?feeds=fast1k&autostart=true").ToString());
            await page.Locator("#stream-state").Filter(new() { HasText = "live" }).WaitForAsync(new() { Timeout = 30_000 });
            open.Add(page);
        }

        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // settle
        var rendersBefore = await RendersAsync(open);
        var cpuBefore = process.CpuTime();
        await Task.Delay(window, cancellationToken);
        var cpu = process.CpuTime() - cpuBefore;
        var rendersAfter = await RendersAsync(open);
        var rate = await open[0].Locator("#items-per-second").TextContentAsync();
        foreach (var page in open)
        {
            await page.CloseAsync(new() { RunBeforeUnload = true });
        }

        var cpuPerCircuit = cpu.TotalSeconds / window.TotalSeconds / pages * 100;
        var rendersPerSecond = rendersAfter.Zip(rendersBefore, (a, b) => (a - b) / window.TotalSeconds).Average();
        return
        [
            new("dashboard", $"{pages} page(s) at 1,000 items/s each: server CPU per circuit", $"{cpuPerCircuit:0.0}% of one core (shown rate {rate} items/s)", "< 10%", cpuPerCircuit < 10),
            new("dashboard", "UI updates per second per page", $"{rendersPerSecond:0.0}", "≤ ~20", rendersPerSecond <= 21),
        ];
    }

    private static async Task<List<long>> RendersAsync(List<IPage> pages)
    {
        var counts = new List<long>();
        foreach (var page in pages)
        {
            var value = await page.Locator(".live-view").GetAttributeAsync("data-renders");
            counts.Add(long.Parse(value ?? "0", CultureInfo.InvariantCulture));
        }

        return counts;
    }
}
