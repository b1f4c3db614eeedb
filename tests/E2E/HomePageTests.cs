using Microsoft.Playwright;

namespace Tributary.Tests.E2E;

public sealed class HomePageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Home_page_loads_in_Chromium_and_Blazor_becomes_interactive()
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        var browserErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                browserErrors.Add(message.Text);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                browserErrors.Add($"{response.Status} {response.Url}");
            }
        };

        var response = await page.GotoAsync("/");

        Assert.True(response?.Ok, $"GET / answered {response?.Status}");
        await Assertions.Expect(page).ToHaveTitleAsync("Dashboard · Tributary");
        // "disconnected" while prerendered; "connected" only once the circuit is live and its hub client connected.
        await Assertions.Expect(page.Locator("#connection-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
        Assert.Empty(browserErrors);
    }
}
