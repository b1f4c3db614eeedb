using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Kinds;
using Tributary.App.Feeds.Requests;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds;

public sealed class FeedKindTests
{
    private readonly StreamStats _stats = new();

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Ticker_quotes_each_symbol_in_turn_with_bid_below_ask_and_round_lot_volume()
    {
        var quotes = await TakeAsync<TickerQuote>(new FeedDefinition { Name = "t", Kind = FeedKind.Ticker, Rate = 1000, Symbols = ["ACME", "UMBR"] }, 6);

        Assert.Equal(["ACME", "UMBR", "ACME", "UMBR", "ACME", "UMBR"], quotes.Select(q => q.Symbol));
        Assert.All(quotes, q =>
        {
            Assert.True(q.Bid < q.Ask, $"bid {q.Bid} is not below ask {q.Ask}");
            Assert.InRange(q.Price, q.Bid, q.Ask);
            Assert.True(q.Volume > 0 && q.Volume % 100 == 0);
        });
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Weather_readings_cycle_through_stations_with_plausible_values()
    {
        var readings = await TakeAsync<WeatherReading>(new FeedDefinition { Name = "w", Kind = FeedKind.Weather, Rate = 1000, Stations = ["Harbour", "Ridge"] }, 20);

        Assert.Equal("Harbour", readings[0].Station);
        Assert.Equal("Ridge", readings[1].Station);
        Assert.All(readings, r =>
        {
            Assert.InRange(r.TemperatureC, -20, 45);
            Assert.InRange(r.HumidityPercent, 5, 100);
            Assert.InRange(r.WindKph, 0, 90);
            Assert.Contains(r.WindDirection, new[] { "N", "NE", "E", "SE", "S", "SW", "W", "NW" });
        });
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task News_cycles_through_configured_headlines()
    {
        var news = await TakeAsync<NewsHeadline>(new FeedDefinition { Name = "n", Kind = FeedKind.News, Rate = 1000, Headlines = ["One", "Two"] }, 3);

        Assert.Equal(["One", "Two", "One"], news.Select(n => n.Headline));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task News_without_configured_headlines_generates_them()
    {
        var news = await TakeAsync<NewsHeadline>(new FeedDefinition { Name = "n", Kind = FeedKind.News, Rate = 1000 }, 5);

        Assert.All(news, n =>
        {
            Assert.Contains(n.Category, new[] { "markets", "science", "city", "tech" });
            Assert.True(n.Headline.Split(' ').Length >= 4, n.Headline);
        });
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task System_samples_are_real_process_metrics_and_include_the_apps_own_counters()
    {
        using var stream = _stats.BeginStream("/test");
        _stats.ActiveProducers.Increment();

        var sample = (await TakeAsync<SystemSample>(new FeedDefinition { Name = "s", Kind = FeedKind.System, Rate = 1000 }, 2))[^1];

        Assert.Equal(Environment.WorkingSet, sample.WorkingSetBytes, tolerance: 512L * 1024 * 1024);
        Assert.True(sample.GcHeapBytes > 0);
        Assert.True(sample.ThreadPoolThreads > 0);
        Assert.InRange(sample.CpuPercent, 0, 100);
        Assert.Equal(1, sample.ActiveStreams);
        Assert.Equal(1, sample.ActiveProducers);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Counter_emits_one_to_count_then_ends()
    {
        var feed = new FeedDefinition { Name = "c", Kind = FeedKind.Counter, Rate = 0, Count = 5 };

        var ticks = await Catalog(feed).ReadAsync(feed, CounterOverrides.None, TestTimeouts.TestToken()).ToListAsync();

        Assert.Equal([1L, 2, 3, 4, 5], ticks.Cast<CounterTick>().Select(t => t.Value));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Counter_overrides_replace_the_configured_rate_and_count()
    {
        var feed = new FeedDefinition { Name = "c", Kind = FeedKind.Counter, Rate = 0.001, Count = 0 };

        var ticks = await Catalog(feed).ReadAsync(feed, new CounterOverrides(0, 3), TestTimeouts.TestToken()).ToListAsync();

        Assert.Equal(3, ticks.Count);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_feed_failure_is_reported_with_the_feeds_name()
    {
        var feed = new FeedDefinition { Name = "flaky", Kind = FeedKind.Counter, Rate = 0, FailAfter = 2 };
        var received = new List<object>();

        var thrown = await Assert.ThrowsAsync<FeedFailedException>(async () =>
        {
            await foreach (var item in Catalog(feed).ReadAsync(feed, CounterOverrides.None, TestTimeouts.TestToken()))
            {
                received.Add(item);
            }
        });

        Assert.Equal("flaky", thrown.Feed);
        Assert.IsType<InvalidOperationException>(thrown.InnerException);
        Assert.Equal(2, received.Count);
    }

    private FeedCatalog Catalog(FeedDefinition feed) =>
        TestCatalogs.Create(_stats, feed);

    private async Task<List<T>> TakeAsync<T>(FeedDefinition feed, int count) =>
        [.. (await Catalog(feed).ReadAsync(feed, CounterOverrides.None, TestTimeouts.TestToken()).TakeAsync(count)).Cast<T>()];
}
