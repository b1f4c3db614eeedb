using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>What a first visit costs: the bytes over the wire until the dashboard is usable, and how it looks on a phone.</summary>
public sealed class FirstLoadTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const long Budget = 600 * 1024;

    [Fact]
    public Task The_first_dashboard_load_transfers_at_most_600_KB() =>
        PageSession.RunAsync(fixture, output, "first-load", async page =>
        {
            // Bytes as they crossed the wire (compressed), from the browser's own network log.
            var session = await page.Context.NewCDPSessionAsync(page);
            long transferred = 0;
            session.Event("Network.loadingFinished").OnEvent += (_, e) =>
                Interlocked.Add(ref transferred, (long)e!.Value.GetProperty("encodedDataLength").GetDouble());
            await session.SendAsync("Network.enable");
            await session.SendAsync("Network.setCacheDisabled", new Dictionary<string, object> { ["cacheDisabled"] = true });

            await DashboardPage.OpenAsync(page, "/");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            output.WriteLine($"first dashboard load: {Interlocked.Read(ref transferred) / 1024.0:0.0} KB transferred");
            Assert.InRange(Interlocked.Read(ref transferred), 1, Budget);
        });

    [Fact]
    public Task On_a_phone_the_brand_the_zone_and_whole_curl_commands_are_visible() =>
        PageSession.RunAsync(fixture, output, "phone", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await DashboardPage.OpenAsync(page, "/?feeds=news,ticker");

            await Assertions.Expect(page.Locator(".brand span")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".timeline-zone")).ToBeVisibleAsync();
            var header = await page.Locator(".topbar").BoundingBoxAsync();
            Assert.True(header!.Height <= 64, $"the header wraps: {header.Height} px high");
            foreach (var button in new[] { "#start", "#stop", "#pause", "#clear" })
            {
                Assert.False(string.IsNullOrWhiteSpace(await page.Locator(button).InnerTextAsync()), $"{button} has no visible name");
            }

            await page.GotoAsync("/raw?feeds=news,ticker");
            await Assertions.Expect(page.Locator(".raw-page")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });
            var clipped = await page.Locator("#curl-commands pre").EvaluateAllAsync<int>("blocks => blocks.filter(b => b.scrollWidth > b.clientWidth + 1).length");
            Assert.Equal(0, clipped);
        });
}
