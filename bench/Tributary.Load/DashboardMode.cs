using System.Globalization;
using Microsoft.Playwright;

namespace Tributary.Load;

/// <summary>
/// Dashboard tabs in headless Chromium, each watching a 1,000 items/s counter feed: one tab, then K, with the
/// server's CPU and Chromium's (every process of it) over the window.
/// </summary>
internal static class DashboardMode
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static async Task<List<LoadResult>> RunAsync(Uri server, ServerProcess process, int pages, TimeSpan window, string chromium, CancellationToken cancellationToken)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { Headless = true, ExecutablePath = chromium, Args = ChromiumArgs });
        // The first circuit after start also pays for JIT-compiling Blazor, MudBlazor and SignalR code; that is a
        // one-time cost of the process, so it is reported on its own line and the target is judged on the next round.
        var cold = await MeasureAsync(browser, server, process, 1, window, cancellationToken);
        var results = new List<LoadResult>
        {
            new("dashboard", "first page after server start: server CPU (includes JIT)", $"{cold.CpuPerCircuit:0.0}% of one core", "–", null),
        };
        foreach (var count in new[] { 1, pages }.Distinct())
        {
            var warm = await MeasureAsync(browser, server, process, count, window, cancellationToken);
            var server1 = warm.CpuPerCircuit * count;
            results.Add(new("dashboard", $"{count} tab(s) at 1,000 items/s each: server CPU", $"{server1:0.0}% of one core ({warm.CpuPerCircuit:0.0}% per tab; shown rate {warm.ShownRate} items/s)",
                count == 1 ? "≤ 7%" : "–", count == 1 ? server1 <= 7 : null));
            results.Add(new("dashboard", $"{count} tab(s) at 1,000 items/s each: Chromium CPU (all its processes)", $"{warm.ChromiumCpu:0.0}% of one core",
                count == 1 ? "< 31%" : "–", count == 1 ? warm.ChromiumCpu < 31 : null));
            results.Add(new("dashboard", $"{count} tab(s): UI updates per second per page", $"{warm.RendersPerSecond:0.0}", "≤ ~10 (Dashboard:RenderInterval 100 ms)", warm.RendersPerSecond <= 11));
        }

        return results;
    }

    private static async Task<(double CpuPerCircuit, double RendersPerSecond, string? ShownRate, double ChromiumCpu)> MeasureAsync(
        IBrowser browser, Uri server, ServerProcess process, int pages, TimeSpan window, CancellationToken cancellationToken)
    {
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
        var chromiumBefore = ChromiumCpu.Total();
        await Task.Delay(window, cancellationToken);
        var cpu = process.CpuTime() - cpuBefore;
        var chromium = ChromiumCpu.Total() - chromiumBefore;
        var rendersAfter = await RendersAsync(open);
        var rate = await open[0].Locator("#items-per-second").TextContentAsync();
        foreach (var page in open)
        {
            await page.CloseAsync(new() { RunBeforeUnload = true });
        }

        var cpuPerCircuit = cpu.TotalSeconds / window.TotalSeconds / pages * 100;
        var rendersPerSecond = rendersAfter.Zip(rendersBefore, (a, b) => (a - b) / window.TotalSeconds).Average();
        return (cpuPerCircuit, rendersPerSecond, rate, chromium.TotalSeconds / window.TotalSeconds * 100);
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
