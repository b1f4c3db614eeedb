using System.Text.Json;
using Tributary.App.Dashboard.State;
using Tributary.App.Feeds;
using Tributary.App.Dashboard.Client;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.State;

public sealed class LiveBoardTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void The_timeline_is_newest_first_and_keeps_only_its_capacity()
    {
        var board = NewBoard(timelineCapacity: 500);

        for (var i = 1; i <= 600; i++)
        {
            board.Enqueue(Counter(i));
        }

        Assert.True(board.Apply());
        Assert.Equal(500, board.Timeline.Count);
        Assert.Equal(600, board.Timeline.First().Sequence);
        Assert.Equal(101, board.Timeline.Last().Sequence);
        Assert.Equal(600, board.TotalItems);
    }

    [Fact]
    public void A_chart_shows_its_window_with_bounded_points_whatever_the_rate_and_the_card_its_latest_value()
    {
        var board = NewBoard();

        // Two minutes at 100 items per second: 12,000 points arrive.
        for (var i = 1; i <= 12_000; i++)
        {
            board.Enqueue(Counter(i));
            _clock.Advance(TimeSpan.FromMilliseconds(10));
            if (i % 50 == 0)
            {
                board.Apply();
            }
        }

        board.Apply();
        var lastMinute = Assert.Single(Assert.Single(board.Cards[0].Series).Segments);
        board.ChartWindow = ChartWindow.FiveMinutes;
        board.Apply();
        var fiveMinutes = Assert.Single(Assert.Single(board.Cards[0].Series).Segments);

        // The last minute, at most 600 points of it; five minutes show the whole two, at most 600 points too.
        Assert.InRange(lastMinute.Length, 590, SeriesHistory.PointsPerWindow);
        Assert.True(lastMinute[^1].Time - lastMinute[0].Time <= TimeSpan.FromMinutes(1));
        Assert.Equal(12_000, lastMinute[^1].Value);
        Assert.InRange(fiveMinutes.Length, 230, SeriesHistory.PointsPerWindow);
        Assert.True(fiveMinutes[^1].Time - fiveMinutes[0].Time > TimeSpan.FromMinutes(1.9));
        Assert.Equal("value 12,000", board.Cards[0].Latest);
    }

    [Fact]
    public void A_series_that_went_quiet_leaves_the_chart_as_its_points_leave_the_window()
    {
        var board = NewBoard();
        board.Enqueue(Counter(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        board.Enqueue(Counter(2));
        board.Apply();
        Assert.Single(board.Cards[0].Series);

        _clock.Advance(TimeSpan.FromMinutes(2));
        board.Apply();

        Assert.Empty(board.Cards[0].Series);
    }

    [Fact]
    public void A_chart_series_stays_the_same_instance_until_it_has_new_points()
    {
        // The chart re-processes a series whenever it gets a new instance, so an idle series must not get one.
        var board = NewBoard();
        board.Enqueue(Counter(1));
        board.Apply();
        var card = board.Cards[0];

        var first = Assert.Single(card.Series);
        _clock.Advance(TimeSpan.FromSeconds(1));
        board.Apply();
        var unchanged = Assert.Single(card.Series);
        board.Enqueue(Counter(2));
        _clock.Advance(TimeSpan.FromSeconds(1));
        board.Apply();
        var updated = Assert.Single(card.Series);

        Assert.Same(first, unchanged);
        Assert.NotSame(first, updated);
        Assert.Equal([1.0, 2.0], updated.Segments.SelectMany(p => p).Select(p => p.Value));
    }

    [Fact]
    public void Nothing_changes_on_screen_until_Apply()
    {
        var board = NewBoard();

        board.Enqueue(Counter(1));

        Assert.Empty(board.Timeline);
        Assert.Equal(1, board.TotalItems);
    }

    [Fact]
    public void The_rate_counts_the_items_of_the_last_second()
    {
        var board = NewBoard();
        for (var i = 1; i <= 30; i++)
        {
            board.Enqueue(Counter(i));
        }

        board.Apply();
        Assert.Equal(30, board.ItemsPerSecond);

        _clock.Advance(TimeSpan.FromMilliseconds(600));
        board.Enqueue(Counter(31));
        board.Apply();
        Assert.Equal(31, board.ItemsPerSecond);

        _clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.True(board.Apply(), "a falling rate is a visible change");
        Assert.Equal(1, board.ItemsPerSecond);
    }

    [Fact]
    public void Control_records_are_rows_of_their_own_kind_and_are_counted_on_their_card()
    {
        var board = NewBoard();

        board.Enqueue(Counter(1));
        board.Enqueue(Control("gap", """{"skipped":3,"message":"3 items were dropped: this reader fell behind."}"""));
        board.Enqueue(Control("reset", """{"reason":"epoch","message":"Position 1098@3gnijt4u6vfk is from another epoch of feed 'counter'."}"""));
        board.Apply();

        var card = board.Cards[0];
        Assert.Equal([TimelineKind.Reset, TimelineKind.Gap, TimelineKind.Data], board.Timeline.Select(e => e.Kind));
        // In the words of someone watching: no positions, epochs or sequence numbers (the record keeps the server's).
        Assert.Equal("counter started over on the server (it restarted): continuing with its new items.", board.Timeline.ElementAt(0).Summary);
        Assert.Equal("3 counter items skipped: this view fell behind the feed.", board.Timeline.ElementAt(1).Summary);
        Assert.Equal((1L, 3L, 1L, 1L), (card.Gaps, card.Missed, card.Resets, card.Count));
        Assert.Equal(1, board.TotalItems);
    }

    [Fact]
    public void A_gap_of_unknown_size_is_a_row_and_counted_and_the_items_after_it_are_shown()
    {
        // A failover's gap: the items the dead producer never wrote have no numbers, so none can be counted.
        var board = NewBoard();

        board.Enqueue(Counter(1));
        board.Enqueue(Control("gap", """{"type":"gap","message":"Feed 'counter' changed producer.","skipped":null}"""));
        board.Enqueue(Counter(2));
        board.Apply();

        var card = board.Cards[0];
        Assert.Equal([TimelineKind.Data, TimelineKind.Gap, TimelineKind.Data], board.Timeline.Select(e => e.Kind));
        Assert.Equal((1L, 0L, 1L, 2L), (card.Gaps, card.Missed, card.Interruptions, card.Count));
        Assert.Equal("Feed 'counter' changed producer.", card.LastInterruption);
        Assert.Equal("value 2", card.Latest);
    }

    [Fact]
    public void Fields_of_an_unexpected_kind_read_as_missing_and_every_record_is_shown()
    {
        // Records come from feeds and upstreams the dashboard does not control: a null or a string where a number
        // was expected must not stop the view (JsonElement's getters throw on the wrong kind).
        var board = NewBoard();

        board.Enqueue(new FeedRecord("weather", 1, _clock.GetUtcNow(), JsonDocument.Parse("""{"station":null,"temperatureC":"warm","humidityPercent":null}""").RootElement));
        board.Enqueue(Control("status", """{"status":5,"message":"odd"}"""));
        board.Enqueue(Control("gap", """{"skipped":"many"}"""));
        board.Enqueue(Counter(7));
        board.Apply();

        Assert.Equal(4, board.Timeline.Count);
        Assert.Equal("value 7", board.Cards[0].Latest);
        Assert.Equal("odd", board.Cards[0].Status);
        Assert.Equal(1, board.Cards[0].Interruptions);
        Assert.Equal(1, board.Cards[1].Count);
    }

    [Fact]
    public void When_the_view_falls_behind_data_is_dropped_and_counted_but_control_records_are_kept()
    {
        var board = NewBoard(timelineCapacity: 10);

        board.Enqueue(Control("gap", """{"skipped":3,"message":"3 items were dropped."}"""));
        for (var i = 1; i <= 30; i++)
        {
            board.Enqueue(Counter(i));
        }

        board.Apply();

        var card = board.Cards[0];
        Assert.Equal((1L, 20L), (card.Gaps, card.DroppedInView));
        Assert.Equal(30, board.TotalItems);
    }

    [Fact]
    public void A_pause_in_a_feed_breaks_its_chart_line()
    {
        var board = NewBoard();
        for (var i = 1; i <= 5; i++)
        {
            board.Enqueue(Counter(i));
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        board.Enqueue(Counter(6));
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        board.Enqueue(Counter(7));
        board.Apply();

        var segments = Assert.Single(board.Cards[0].Series).Segments;
        Assert.Equal([[1.0, 2, 3, 4, 5], [6.0, 7]], segments.Select(s => s.Select(p => p.Value).ToArray()));
    }

    [Fact]
    public void Chart_times_are_in_the_viewers_time_zone()
    {
        var board = NewBoard();
        board.TimeZone = TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2");

        board.Enqueue(Counter(1));
        board.Apply();

        var point = Assert.Single(Assert.Single(board.Cards[0].Series).Segments)[0];
        Assert.Equal(_clock.GetUtcNow().UtcDateTime.AddHours(2), point.Time);
    }

    [Fact]
    public void A_series_gets_the_same_colour_whatever_order_the_series_arrive_in()
    {
        string[] stations = ["Harbour", "Airport", "Old Town", "Ridge"];
        var first = NewBoard();
        var second = NewBoard();

        foreach (var station in stations)
        {
            first.Enqueue(Weather(station));
        }

        foreach (var station in Enumerable.Reverse(stations))
        {
            second.Enqueue(Weather(station));
        }

        first.Apply();
        second.Apply();

        var colours = first.Cards[1].Series.ToDictionary(s => s.Name, s => s.Colour);
        Assert.Equal(colours, second.Cards[1].Series.ToDictionary(s => s.Name, s => s.Colour));
        Assert.Equal(4, colours.Values.Distinct().Count());
        Assert.All(colours.Values, c => Assert.Contains(c, SeriesPalette.Colours));
    }

    [Fact]
    public void History_neither_says_an_item_just_arrived_nor_counts_as_dropped_when_the_timeline_cannot_hold_it()
    {
        var board = NewBoard(timelineCapacity: 2);

        for (var i = 1; i <= 5; i++)
        {
            board.Enqueue(Counter(i) with { FromHistory = true });
        }

        board.Apply();

        Assert.Null(board.LastItemAt);
        Assert.Equal(0, board.Cards[0].DroppedInView);
        Assert.Equal(2, board.Timeline.Count);
    }

    [Fact]
    public void The_system_card_says_its_unit_once()
    {
        var board = new LiveBoard(100, _clock);
        board.SetFeeds([new FeedInfo("system", "system", "Server metrics", 1)]);

        board.Enqueue(new FeedRecord("system", 1, _clock.GetUtcNow(), JsonDocument.Parse("""{"cpuPercent":6.3,"workingSetBytes":1048576}""").RootElement));
        board.Apply();

        var series = Assert.Single(board.Cards[0].Series);
        Assert.Equal("CPU", series.Name);
        Assert.Equal("6.3%", FeedPresenter.Meaning("system").Format(series.Latest!.Value));
    }

    [Fact]
    public void Clear_resets_the_view_and_the_counts()
    {
        var board = NewBoard();
        board.Enqueue(Counter(1));
        board.Apply();

        board.Clear();

        Assert.Empty(board.Timeline);
        Assert.Equal(0, board.TotalItems);
        Assert.Null(board.Cards[0].Latest);
    }

    private LiveBoard NewBoard(int timelineCapacity = 500)
    {
        var board = new LiveBoard(timelineCapacity, _clock);
        board.SetFeeds([new FeedInfo("counter", "counter", "Numbers", 10), new FeedInfo("weather", "weather", "Stations", 1)]);
        return board;
    }

    private FeedRecord Counter(long value) =>
        new("counter", value, _clock.GetUtcNow(), JsonDocument.Parse($"{{\"value\":{value}}}").RootElement);

    private FeedRecord Control(string type, string json) =>
        new("counter", 0, _clock.GetUtcNow(), JsonDocument.Parse(json).RootElement) { Type = type };

    private FeedRecord Weather(string station) =>
        new("weather", 1, _clock.GetUtcNow(), JsonDocument.Parse($"{{\"station\":\"{station}\",\"temperatureC\":4}}").RootElement);
}
