using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>
/// Two instances on PostgreSQL, a dashboard open on each, and the instance producing the feed dies: the survivor
/// takes the feed over, and its open dashboard shows the interruption and goes on showing items; it never sits on
/// "live" with nothing arriving.
/// </summary>
public sealed class FailoverTests(PostgresBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresBrowserFixture>
{
    [Fact]
    public async Task When_the_producing_instance_dies_the_survivors_open_dashboard_shows_the_interruption_and_keeps_showing_items()
    {
        await using var a = await StartAppAsync();
        await using var b = await StartAppAsync();
        var onA = await OpenAsync(a);
        var onB = await OpenAsync(b);
        var (producer, survivor) = IsProducer(a) ? (a, onB) : (b, onA);
        try
        {
            // Abruptly, as kill -9 would: every database connection of the producing instance is cut, then it stops.
            await fixture.Postgres.KillAsync(producer, CancellationToken.None);

            var interruption = survivor.Locator(".timeline-row.kind-gap");
            await Assertions.Expect(interruption.First).ToContainTextAsync("changed producer", new() { Timeout = 30_000 });
            await Assertions.Expect(survivor.Locator("[data-feed=ticks] [data-health=interruptions]")).ToContainTextAsync("interrupted once");

            // Items after the takeover keep arriving on screen, not only in the counts.
            var newest = (await DashboardPage.SequencesAsync(survivor, "ticks")).Max();
            await survivor.WaitForFunctionAsync(
                "before => Math.max(...[...document.querySelectorAll(\".timeline-row[data-feed='ticks'][data-seq]\")].map(r => +r.dataset.seq)) > before + 5",
                newest, new() { Timeout = 30_000, PollingInterval = 200 });
            output.WriteLine($"newest when the interruption showed: #{newest}");
            await Assertions.Expect(survivor.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "live");
            await Assertions.Expect(survivor.Locator("[data-feed=ticks] [data-health=gaps]")).ToHaveCountAsync(0);
        }
        finally
        {
            await survivor.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "failover-survivor.png") });
            await onA.Context.CloseAsync();
            await onB.Context.CloseAsync();
        }
    }

    private static bool IsProducer(LoopbackApp app) =>
        app.Services.GetRequiredService<StreamStats>().SharedFeed("ticks").Snapshot().Producer;

    private async Task<IPage> OpenAsync(LoopbackApp app)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 2000 } });
        var page = await context.NewPageAsync();
        await DashboardPage.OpenAsync(page, "/?feeds=ticks&autostart=true");
        await Assertions.Expect(page.Locator(".timeline-row[data-feed=ticks][data-seq]").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return page;
    }

    private Task<LoopbackApp> StartAppAsync() => LoopbackApp.StartAsync(new Dictionary<string, string?>
    {
        ["urls"] = $"http://127.0.0.1:{LoopbackPort.FreeOutsideEphemeralRange()}",
        ["Sharing:Engine"] = "Postgres",
        ["Sharing:Postgres:Schema"] = "e2e_failover",
        ["ConnectionStrings:Tributary"] = fixture.Postgres.ConnectionString,
        ["Feeds:10:Name"] = "ticks",
        ["Feeds:10:Kind"] = "counter",
        ["Feeds:10:Description"] = "A shared counter, produced by one instance at a time.",
        ["Feeds:10:Rate"] = "10",
        ["Feeds:10:Shared"] = "true",
        ["Feeds:10:Linger"] = "00:00:00",
    });
}
