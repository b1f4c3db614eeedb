using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>What makes the dashboard a live-tail tool: history on Start, rows that open, filters kept in the address.</summary>
public sealed class LiveTailTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Start_shows_recent_history_marked_as_such_then_live_items_with_nothing_twice_or_missing() =>
        PageSession.RunAsync(fixture, output, "history-on-start", async page =>
        {
            // Someone watched the feed before: the server keeps its history.
            await DashboardPage.OpenAsync(page, "/?feeds=ticker&autostart=true");
            await Assertions.Expect(page.Locator(".timeline-row[data-feed=ticker][data-seq]")).Not.ToHaveCountAsync(0, DashboardPage.Patient);
            await Assertions.Expect(page.Locator(".timeline-row[data-seq]").Nth(8)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.Locator("#stop").ClickAsync();
            await page.Locator("#clear").ClickAsync();
            await Assertions.Expect(page.Locator(".timeline-row")).ToHaveCountAsync(0);

            await page.Locator("#start").ClickAsync();
            await Assertions.Expect(page.Locator(".timeline-row.from-history").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator(".timeline-row:not(.from-history)[data-seq]").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.Locator("#pause").ClickAsync();

            var sequences = await DashboardPage.SequencesAsync(page, "ticker");
            Assert.Equal(sequences.Length, sequences.Distinct().Count());
            Assert.Equal(Enumerable.Range(0, sequences.Length).Select(i => sequences.Max() - i), sequences);
        });

    [Fact]
    public Task A_row_opens_to_the_whole_record_and_a_field_value_filters_the_timeline_in_the_address() =>
        PageSession.RunAsync(fixture, output, "row-details", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=ticker,weather&autostart=true");
            var tickerRow = page.Locator(".timeline-row[data-feed=ticker]").First;
            await Assertions.Expect(tickerRow).ToBeVisibleAsync(new() { Timeout = 30_000 });

            await tickerRow.Locator(".timeline-line").ClickAsync();
            var details = page.Locator(".record-details");
            await Assertions.Expect(details.Locator("pre")).ToContainTextAsync("\"feed\": \"ticker\"");
            var symbol = (await details.Locator(".record-field", new() { HasText = "symbol" }).Locator(".field-value").TextContentAsync())!;
            await details.Locator(".record-field", new() { HasText = "symbol" }).Locator(".field-value").ClickAsync();

            await Assertions.Expect(page.Locator("#field-filter")).ToContainTextAsync($"symbol = {symbol}");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"field=symbol&value={symbol}"));
            await Assertions.Expect(page.Locator(".timeline-row[data-feed=weather]")).ToHaveCountAsync(0);

            // The filter is part of the view: a reload keeps it.
            await page.ReloadAsync();
            await DashboardPage.WaitUntilInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#field-filter")).ToContainTextAsync($"symbol = {symbol}");
        });

    [Fact]
    public Task Hovering_a_chart_point_shows_a_crosshair_with_the_time_and_every_series_value() =>
        PageSession.RunAsync(fixture, output, "chart-crosshair", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=ticker&autostart=true");
            var points = page.Locator("[data-feed=ticker] .feed-chart svg circle.mud-chart-point");
            await Assertions.Expect(points.Nth(12)).ToBeAttachedAsync(new() { Timeout = 30_000 });
            // Paused, the chart holds still under the pointer.
            await page.Locator("#pause").ClickAsync();
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "paused");

            // The chart may still redraw once as the pause lands, replacing the point under the pointer: hover again
            // until the crosshair shows.
            var crosshair = page.Locator("[data-feed=ticker] .chart-crosshair");
            var (x, y) = (0f, 0f);
            for (var attempt = 0; attempt < 10 && await crosshair.CountAsync() == 0; attempt++)
            {
                await page.Mouse.MoveAsync(0, 0);
                var point = await points.Nth(2).BoundingBoxAsync();
                (x, y) = (point!.X + (point.Width / 2), point.Y + (point.Height / 2));
                await page.Mouse.MoveAsync(x, y);
                await crosshair.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 1_000 }).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            var tooltip = page.Locator("[data-feed=ticker] .chart-tooltip");
            await Assertions.Expect(crosshair).ToBeAttachedAsync();
            // The crosshair is drawn through the hovered point: the point, not the line, stays under the pointer.
            Assert.Equal("circle", await page.EvaluateAsync<string>("p => document.elementFromPoint(p.x, p.y)?.tagName", new { x = (double)x, y = (double)y }));
            await Assertions.Expect(tooltip).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d\d:\d\d:\d\d\.\d{3}"));
            foreach (var symbol in await page.Locator("[data-feed=ticker] .chart-legend li").AllInnerTextsAsync())
            {
                await Assertions.Expect(tooltip).ToContainTextAsync(symbol.Split(' ')[0] + ":");
            }
        });

    [Fact]
    public Task Every_chart_point_can_be_hovered_even_where_another_series_line_crosses_it() =>
        PageSession.RunAsync(fixture, output, "chart-points-reachable", async page =>
        {
            await DashboardPage.OpenAsync(page, "/?feeds=ticker&autostart=true");
            var points = page.Locator("[data-feed=ticker] .feed-chart svg circle.mud-chart-point");
            await Assertions.Expect(points.Nth(40)).ToBeAttachedAsync(new() { Timeout = 30_000 });
            await page.Locator("#pause").ClickAsync();
            await Assertions.Expect(page.Locator("#stream-state")).ToHaveAttributeAsync("data-state", "paused");

            // Whatever the browser would hit at each point's centre: a point (which shows the crosshair), or something
            // drawn over it. The ticker's four series start together near 0 %, so their lines cross its points.
            var hits = await page.EvaluateAsync<string[]>(
                """
                () => [...document.querySelectorAll('[data-feed=ticker] .feed-chart svg circle.mud-chart-point')].map(c => {
                    const box = c.getBoundingClientRect();
                    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
                    return hit?.tagName === 'circle' ? 'point' : (hit?.tagName ?? 'nothing') + '.' + (hit?.getAttribute('class') ?? '');
                })
                """);

            Assert.All(hits, hit => Assert.Equal("point", hit));
        });

    [Fact]
    public Task An_unknown_page_answers_404_in_the_same_design() =>
        PageSession.RunAsync(fixture, output, "not-found", async page =>
        {
            var response = await page.GotoAsync("/no/such/page");

            Assert.Equal(404, response!.Status);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("There is no page here");
            await Assertions.Expect(page.Locator(".brand")).ToBeVisibleAsync();
        });

    [Fact]
    public Task The_raw_page_names_a_feed_it_cannot_offer_instead_of_dropping_it_silently() =>
        PageSession.RunAsync(fixture, output, "raw-unknown-feed", async page =>
        {
            await page.GotoAsync("/raw?feeds=nope,news");
            await Assertions.Expect(page.Locator(".raw-page")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });

            await Assertions.Expect(page.Locator("#raw-unknown")).ToContainTextAsync("a feed this server does not offer you: 'nope'");
            await Assertions.Expect(page.Locator("#curl-commands")).ToContainTextAsync("feeds=news&");
        });
}
