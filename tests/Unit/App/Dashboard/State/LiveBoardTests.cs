using System.Text.Json;
using Tributary.App.Dashboard.State;
using Tributary.App.Feeds;
using Tributary.Streaming.Records;
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
    public void A_chart_keeps_only_its_last_points_and_the_card_its_latest_value()
    {
        var board = NewBoard(chartPoints: 60);

        for (var i = 1; i <= 100; i++)
        {
            board.Enqueue(Counter(i));
        }

        board.Apply();

        var card = Assert.Single(board.Cards);
        var points = Assert.Single(card.Series).Value;
        Assert.Equal(60, points.Length);
        Assert.Equal(100, points.Last().Value);
        Assert.Equal("#100", card.Latest);
    }

    [Fact]
    public void A_chart_series_stays_the_same_instance_until_it_has_new_points()
    {
        // The chart re-processes a series whenever it gets a new instance, so an idle series must not get one.
        var board = NewBoard();
        board.Enqueue(Counter(1));
        board.Apply();
        var card = Assert.Single(board.Cards);

        var first = Assert.Single(card.Series).Value;
        var unchanged = Assert.Single(card.Series).Value;
        board.Enqueue(Counter(2));
        board.Apply();
        var updated = Assert.Single(card.Series).Value;

        Assert.Same(first, unchanged);
        Assert.NotSame(first, updated);
        Assert.Equal([1.0, 2.0], updated.Select(p => p.Value));
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
    public void While_paused_items_are_counted_but_not_shown()
    {
        var board = NewBoard();
        board.Enqueue(Counter(1));
        board.Apply();

        board.Paused = true;
        board.Enqueue(Counter(2));
        board.Apply();

        Assert.Equal(2, board.TotalItems);
        Assert.Equal(1, Assert.Single(board.Timeline).Sequence);
        Assert.Equal("#1", board.Cards[0].Latest);
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

    private LiveBoard NewBoard(int timelineCapacity = 500, int chartPoints = 60)
    {
        var board = new LiveBoard(timelineCapacity, chartPoints, _clock);
        board.SetFeeds([new FeedInfo("counter", "counter", "Numbers", 10)]);
        return board;
    }

    private FeedItem<JsonElement> Counter(long value) =>
        new("counter", value, _clock.GetUtcNow(), JsonDocument.Parse($"{{\"value\":{value}}}").RootElement);
}
