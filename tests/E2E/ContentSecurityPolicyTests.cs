using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>The dashboard and the Raw page run under the app's Content-Security-Policy without a single violation.</summary>
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    // Recorded in the page itself: every violation fires this event, whether or not it reaches the console.
    private const string RecordViolations =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));";

    [Fact]
    public Task The_dashboard_streams_and_the_raw_page_watches_with_no_csp_violation() =>
        PageSession.RunAsync(fixture, output, "csp", async page =>
        {
            var console = new List<string>();
            page.Console += (_, message) => console.Add(message.Text);
            await page.AddInitScriptAsync(RecordViolations);

            await DashboardPage.OpenAsync(page, "/?feeds=news,weather,ticker,system&autostart=true");
            await Assertions.Expect(page.Locator(".feed-card svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await DashboardPage.SwitchThemeAsync(page, dark: true);
            var onDashboard = await page.EvaluateAsync<string[]>("window.__cspViolations");

            await page.GetByRole(AriaRole.Link, new() { Name = "Raw stream", Exact = true }).ClickAsync();
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator(".raw-page")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });
            await page.Locator("#raw-start").ClickAsync();
            await Assertions.Expect(page.Locator("#raw-output")).Not.ToBeEmptyAsync(new() { Timeout = 30_000 });
            var onRaw = await page.EvaluateAsync<string[]>("window.__cspViolations");

            Assert.Empty(onDashboard);
            Assert.Empty(onRaw);
            Assert.DoesNotContain(console, line => line.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
        });
}
