using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>axe-core's rules over a page as users see it: no critical or serious violation is allowed.</summary>
internal static class Axe
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what, ITestOutputHelper output)
    {
        // Colours as they settle, not halfway through a button's 250 ms fade from disabled to enabled.
        await page.AddStyleTagAsync(new() { Content = "*, *::before, *::after { transition: none !important; animation: none !important; }" });
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

    /// <summary>Opens pages of this context at <paramref name="width"/> in the palette asked for, as a returning user's cookie would.</summary>
    public static async Task SetUpAsync(IPage page, Uri site, int width, bool dark)
    {
        await page.SetViewportSizeAsync(width, width < 600 ? 844 : 900);
        await page.Context.AddCookiesAsync([new Cookie { Name = "TributaryTheme", Value = dark ? "dark" : "light", Url = site.ToString() }]);
    }
}
