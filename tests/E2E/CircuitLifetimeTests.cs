using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>Closing the tab must stop everything it started on the server. Its own app, so its counts start at zero.</summary>
public sealed class CircuitLifetimeTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Closing_the_page_stops_its_producers_and_disposes_its_circuit() =>
        PageSession.RunAsync(fixture, output, "close-tab", async page =>
        {
            using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
            await page.GotoAsync("/");
            await Assertions.Expect(page.Locator("#connection-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
            await page.Locator("#start").ClickAsync();
            await Assertions.Expect(page.Locator(".timeline-row")).Not.ToHaveCountAsync(0, new() { Timeout = 30_000 });
            var running = await StatsAsync(http);
            Assert.True(running.GetProperty("activeProducers").GetInt64() > 0);
            Assert.Equal(1, running.GetProperty("activeCircuits").GetInt64());

            // Act: close the tab, running its unload handlers (Blazor's beacon disposes the circuit at once)
            await page.CloseAsync(new() { RunBeforeUnload = true });

            // The stream's producers stop first; the hub stream's own count is released just after, and the
            // shared feeds' producers once their linger (5 s by default) passes with no reader.
            var stats = await WaitForStatsAsync(http, s =>
                s.GetProperty("activeProducers").GetInt64() == 0
                && s.GetProperty("activeCircuits").GetInt64() == 0
                && s.GetProperty("activeStreams").GetInt64() == 0
                && s.GetProperty("sharedProducers").GetInt64() == 0);

            Assert.Equal(0, stats.GetProperty("activeProducers").GetInt64());
            Assert.Equal(0, stats.GetProperty("activeCircuits").GetInt64());
            Assert.Equal(0, stats.GetProperty("activeStreams").GetInt64());
            Assert.Equal(0, stats.GetProperty("sharedProducers").GetInt64());
        });

    private static async Task<JsonElement> StatsAsync(HttpClient http) =>
        await http.GetFromJsonAsync<JsonElement>("/api/stats");

    /// <summary>Polls /api/stats until the condition holds or 20 s pass; returns the last reading.</summary>
    private static async Task<JsonElement> WaitForStatsAsync(HttpClient http, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var stats = await StatsAsync(http);
        while (!condition(stats) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            stats = await StatsAsync(http);
        }

        return stats;
    }
}
