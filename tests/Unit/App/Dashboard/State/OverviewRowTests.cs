using Tributary.App.Dashboard.State;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.Tests.Unit.App.Dashboard.State;

public sealed class OverviewRowTests
{
    private static readonly IReadOnlyList<FeedInfo> Catalog =
    [
        new("ticker", "ticker", "Quotes", 4) { Shared = true },
        new("counter", "counter", "Numbers", 10),
    ];

    [Fact]
    public void A_shared_feed_gets_its_counters_and_a_rate_from_two_readings_and_a_private_one_none()
    {
        var before = Stats(new SharedFeedSnapshot("running", 3, 0, 100, 0, 0, Producer: true));
        var now = Stats(new SharedFeedSnapshot("running", 4, 2, 108, 0, 0, Producer: true));

        var rows = OverviewRow.From(Catalog, now, before, TimeSpan.FromSeconds(2));

        Assert.Equal(4, rows[0].ItemsPerSecond);
        Assert.Equal(4, rows[0].Stats!.Subscribers);
        Assert.Null(rows[1].Stats);
        Assert.Null(rows[1].ItemsPerSecond);
    }

    [Theory]
    [InlineData("host-2", "running")]
    [InlineData("host-1", "idle")]
    public void No_rate_across_two_instances_or_from_an_idle_reading(string earlierInstance, string earlierState)
    {
        var before = Stats(new SharedFeedSnapshot(earlierState, 0, 0, 5, 0, 0, Producer: false)) with { Instance = earlierInstance };
        var now = Stats(new SharedFeedSnapshot("running", 1, 0, 5000, 0, 0, Producer: true));

        Assert.Null(OverviewRow.From(Catalog, now, before, TimeSpan.FromSeconds(2))[0].ItemsPerSecond);
    }

    [Fact]
    public void The_first_reading_has_no_rate_yet()
    {
        var rows = OverviewRow.From(Catalog, Stats(new SharedFeedSnapshot("idle", 0, 0, 5, 0, 0, Producer: false)), before: null, TimeSpan.Zero);

        Assert.Null(rows[0].ItemsPerSecond);
    }

    private static StreamStatsSnapshot Stats(SharedFeedSnapshot ticker) =>
        new("memory", "host-1", 1, 1, 1, 1, 10, new Dictionary<string, EndpointStatsSnapshot>(), new Dictionary<string, SharedFeedSnapshot> { ["ticker"] = ticker });
}
