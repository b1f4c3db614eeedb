using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

public sealed class HomePageTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Home_page_loads_in_Chromium_and_Blazor_becomes_interactive() =>
        PageSession.RunAsync(fixture, output, "home-interactive", async page =>
        {
            var failedRequests = new List<string>();
            page.Response += (_, response) =>
            {
                if (response.Status >= 400)
                {
                    failedRequests.Add($"{response.Status} {response.Url}");
                }
            };

            var response = await page.GotoAsync("/");

            Assert.True(response?.Ok, $"GET / answered {response?.Status}");
            await Assertions.Expect(page).ToHaveTitleAsync("Dashboard · Tributary");
            // "disconnected" while prerendered; "connected" only once the circuit is live and its hub client connected.
            await Assertions.Expect(page.Locator("#connection-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
            Assert.Empty(failedRequests);
        });
}
