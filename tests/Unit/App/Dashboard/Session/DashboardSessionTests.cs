using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tributary.App.Dashboard;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.Session;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.Session;

public sealed class DashboardSessionTests : IAsyncDisposable
{
    private readonly FakeFeedClient _client = new();
    private readonly ManualRenderTicker _ticker = new();
    private readonly DashboardSession _session;
    private int _renders;
    private TaskCompletionSource _rendered = TestTimeouts.NewSignal();

    public DashboardSessionTests()
    {
        _session = new DashboardSession(_client, _ticker, Options.Create(new DashboardOptions { DefaultFeeds = ["news", "weather"], TimelineCapacity = 100 }),
            TimeProvider.System, NullLogger<DashboardSession>.Instance);
        _session.Attach(work => work(), () =>
        {
            Interlocked.Increment(ref _renders);
            _rendered.TrySetResult();
        });
    }

    [Fact]
    public async Task Start_opens_one_stream_per_selected_feed_and_their_records_reach_the_board()
    {
        await ReadyAsync();

        await _session.StartAsync();
        _client.Write("news", """{"headline":"Harbour reopens"}""");
        _client.Write("weather", """{"station":"Ridge","temperatureC":18.5}""");
        await _client.WaitForConsumedAsync(2);
        await TickAsync();

        Assert.Equal(["news", "weather"], _client.StreamRequests.Select(r => r.Feed).Order());
        Assert.Equal(2, _session.Board.TotalItems);
        Assert.Equal(2, _session.Board.Timeline.Count);
    }

    [Fact]
    public async Task Start_asks_each_shared_feed_for_its_recent_history_first_and_marks_it_as_such()
    {
        await ReadyAsync();
        await _session.SelectAsync(["news", "counter"]);

        await _session.StartAsync();
        await WaitForOpenStreamsAsync(2);
        _client.WriteAt("news", """{"headline":"From before Start"}""", DateTimeOffset.UtcNow.AddMinutes(-1));
        _client.Write("news", """{"headline":"Live"}""");
        await _client.WaitForConsumedAsync(2);
        await TickAsync();

        // Shared feeds keep history; a counter of one's own does not.
        Assert.Equal([("counter", 0), ("news", 100)], _client.StreamRequests.Select(r => (r.Feed, r.Settings.Tail)).Order());
        Assert.Equal([(false, "Live"), (true, "From before Start")], _session.Board.Timeline.Select(e => (e.FromHistory, e.Summary)));
        // History is not arriving now: the rate counts only the live item.
        Assert.Equal(1, _session.Board.ItemsPerSecond);
    }

    [Fact]
    public async Task A_resumed_stream_asks_for_what_it_missed_not_for_history()
    {
        await ReadyAsync();
        await _session.SelectAsync(["news"]);
        await _session.StartAsync();
        _client.Write("news", """{"headline":"One"}""");
        await _client.WaitForConsumedAsync(1);

        _client.Lose("news");
        await TestTimeouts.WaitUntilAsync(() => _client.StreamRequests.Count == 2);

        Assert.Equal([(null, 100), ("1@e1", 0)], _client.StreamRequests.Select(r => (r.Settings.Since, r.Settings.Tail)));
    }

    [Fact]
    public async Task An_address_counter_setting_out_of_range_is_told_in_plain_words_and_not_sent()
    {
        await ReadyAsync();

        await _session.ApplyAsync(new DashboardAddress(["counter"], Running: true, Rate: -5, Count: 1_000_000));
        await WaitForOpenStreamsAsync(1);

        Assert.Equal([new FeedStreamSettings()], _client.StreamRequests.Select(r => r.Settings));
        Assert.Equal(
            "The address' counter setting is not used. Rate must be 0 (as fast as possible) or from 0.001 to 1,000 items per second. " +
            "The address' counter setting is not used. Count must be from 0 (no limit) to 5,000 items.",
            _session.Problem);
    }

    [Fact]
    public async Task A_render_that_fails_is_told_and_the_next_tick_renders_again()
    {
        var attempts = 0;
        var renderedAgain = TestTimeouts.NewSignal();
        _session.Attach(work => work(), () =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                throw new InvalidOperationException("a view that cannot render");
            }

            renderedAgain.TrySetResult();
        });
        await ReadyAsync();

        await TestTimeouts.WaitUntilAsync(() =>
        {
            _session.MarkChanged();
            _ticker.Tick();
            return renderedAgain.Task.IsCompleted;
        });

        Assert.Contains("could not be shown", _session.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_and_removing_feeds_while_running_leaves_the_other_streams_alone()
    {
        await ReadyAsync();
        await _session.StartAsync();
        await WaitForOpenStreamsAsync(2);

        await _session.SelectAsync(["weather", "counter"]);
        await WaitForOpenStreamsAsync(2);

        // news stopped, counter started, weather's stream was never reopened.
        Assert.Equal(["news", "weather", "counter"], _client.StreamRequests.Select(r => r.Feed).OrderBy(f => f == "counter").ThenBy(f => f));
        Assert.Single(_client.StreamRequests, r => r.Feed == "weather");
        Assert.True(_session.Running);
        Assert.Equal(["weather", "counter"], _session.Board.Cards.Select(c => c.Feed.Name));
    }

    [Fact]
    public async Task A_lost_stream_is_reopened_after_the_last_position_it_received_with_a_note_in_the_timeline()
    {
        await ReadyAsync();
        await _session.SelectAsync(["news"]);
        await _session.StartAsync();
        _client.Write("news", """{"headline":"One"}""");
        _client.Write("news", """{"headline":"Two"}""");
        await _client.WaitForConsumedAsync(2);

        _client.Lose("news");
        _client.Write("news", """{"headline":"Three"}""");
        await _client.WaitForConsumedAsync(3);
        await TickAsync();

        var requests = _client.StreamRequests.ToList();
        Assert.Equal([null, "2@e1"], requests.Select(r => r.Settings.Since));
        Assert.Contains(_session.Board.Timeline, e => e.Kind == Tributary.App.Dashboard.State.TimelineKind.Note && e.Summary.Contains("resumed", StringComparison.Ordinal));
        Assert.Equal(3, _session.Board.TotalItems);
        Assert.DoesNotContain("WebSocket", string.Join(" ", _session.Board.Timeline.Select(e => e.Summary)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resume_starts_after_the_last_data_item_not_after_a_control_record()
    {
        await ReadyAsync();
        await _session.SelectAsync(["news"]);
        await _session.StartAsync();
        _client.Write("news", """{"headline":"One"}""");
        _client.WriteControl("news", "gap", """{"skipped":1,"message":"1 item was dropped."}""");
        await _client.WaitForConsumedAsync(2);

        _client.Lose("news");
        await TestTimeouts.WaitUntilAsync(() => _client.StreamRequests.Count == 2);

        Assert.Equal([null, "1@e1"], _client.StreamRequests.Select(r => r.Settings.Since));
    }

    [Fact]
    public async Task Stop_pressed_while_the_counter_restarts_leaves_nothing_running()
    {
        await ReadyAsync();
        await _session.SelectAsync(["counter"]);
        await _session.StartAsync();
        await WaitForOpenStreamsAsync(1);

        var restart = _session.SetCounterAsync(5, null);
        var stop = _session.StopAsync();
        await Task.WhenAll(restart, stop);

        Assert.False(_session.Running);
        await WaitForOpenStreamsAsync(0);
        Assert.Empty(_session.Positions);
    }

    [Fact]
    public async Task A_refused_feed_shows_the_servers_message_and_the_others_keep_streaming()
    {
        _client.Refuse["weather"] = new HubException("Feed 'weather' failed: its upstream refused the connection.");
        await ReadyAsync();

        await _session.StartAsync();
        _client.Write("news", """{"headline":"Still here"}""");
        await _client.WaitForConsumedAsync(1);
        await TickAsync();

        Assert.Equal(["Feed 'weather' failed: its upstream refused the connection."], _session.RunProblems);
        Assert.True(_session.Running);
        Assert.Equal(FeedRunState.Live, _session.StateOf("news"));
    }

    [Fact]
    public async Task When_every_feed_ended_or_was_refused_the_session_stops_and_says_why()
    {
        _client.Refuse["weather"] = new HubException("Rate 1e9 is above the counter's most, 100000 items/s.");
        await ReadyAsync();
        await _session.StartAsync();
        _client.End("news");
        await TestTimeouts.WaitUntilAsync(() => _session.StateOf("news") == FeedRunState.Ended && _session.StateOf("weather") == FeedRunState.Failed);

        await TickAsync();

        Assert.False(_session.Running);
        Assert.Equal("Rate 1e9 is above the counter's most, 100000 items/s.", _session.Problem);
    }

    [Fact]
    public async Task Unknown_feeds_in_the_address_are_named_with_the_known_ones()
    {
        await ReadyAsync();

        await _session.ApplyAsync(new DashboardAddress(["bogus", "news"], Running: true, null, null));

        Assert.Equal("The address names a feed this server does not offer you: 'bogus'. You can watch: news, weather, ticker, system, counter.", _session.Problem);
        Assert.Equal(["news"], _session.Selected);
        Assert.True(_session.Running);
    }

    [Fact]
    public async Task Following_an_address_the_session_already_matches_changes_nothing()
    {
        await ReadyAsync();
        await _session.ApplyAsync(new DashboardAddress(["news"], Running: true, null, null));
        await WaitForOpenStreamsAsync(1);

        await _session.ApplyAsync(_session.Address);

        Assert.Single(_client.StreamRequests);
    }

    [Fact]
    public async Task Positions_kept_by_the_browser_are_resumed_from_and_Stop_forgets_them()
    {
        await ReadyAsync();
        _session.RestorePositions(new Dictionary<string, string> { ["news"] = "41@e1" });
        await _session.SelectAsync(["news"]);

        await _session.StartAsync();
        await WaitForOpenStreamsAsync(1);
        await _session.StopAsync();
        await _session.StartAsync();
        await WaitForOpenStreamsAsync(1);

        Assert.Equal(["41@e1", null], _client.StreamRequests.Select(r => r.Settings.Since));
    }

    [Fact]
    public async Task Counter_settings_go_to_the_counters_stream_and_restart_only_it()
    {
        await ReadyAsync();
        await _session.SelectAsync(["news", "counter"]);
        await _session.StartAsync();
        await WaitForOpenStreamsAsync(2);

        await _session.SetCounterAsync(500, 1000);
        await WaitForOpenStreamsAsync(2);

        var counter = _client.StreamRequests.Where(r => r.Feed == "counter").Select(r => r.Settings).ToList();
        Assert.Equal([new FeedStreamSettings(), new FeedStreamSettings(500, 1000)], counter);
        Assert.Single(_client.StreamRequests, r => r.Feed == "news");
    }

    [Fact]
    public async Task A_shared_counter_gets_both_its_settings_and_its_kept_position()
    {
        var client = new FakeFeedClient { Catalog = [new("ticks", "counter", "Shared numbers", 10) { Shared = true }] };
        await using var session = new DashboardSession(client, new ManualRenderTicker(), Options.Create(new DashboardOptions { DefaultFeeds = ["ticks"] }),
            TimeProvider.System, NullLogger<DashboardSession>.Instance);
        await session.EnsureReadyAsync(TestTimeouts.TestToken());
        session.RestorePositions(new Dictionary<string, string> { ["ticks"] = "19@e1" });
        await session.SetCounterAsync(20, null);

        await session.StartAsync();
        await TestTimeouts.WaitUntilAsync(() => client.OpenStreams == 1);

        Assert.Equal(new FeedStreamSettings(20, null, "19@e1"), Assert.Single(client.StreamRequests).Settings);
    }

    [Fact]
    public async Task Records_waiting_for_a_render_are_bounded_and_the_dropped_ones_are_counted_on_their_card()
    {
        await ReadyAsync();
        await _session.SelectAsync(["news"]);
        await _session.StartAsync();
        // Items made after the stream opened: live ones, as a server's would be.
        await WaitForOpenStreamsAsync(1);

        for (var i = 0; i < 250; i++)
        {
            _client.Write("news", $$"""{"headline":"{{i}}"}""");
        }

        await _client.WaitForConsumedAsync(250);
        await TickAsync();

        var card = Assert.Single(_session.Board.Cards);
        Assert.Equal(100, _session.Board.Timeline.Count);
        Assert.Equal(150, card.DroppedInView);
        Assert.Equal(250, _session.Board.TotalItems);
    }

    [Fact]
    public async Task Pause_keeps_what_arrives_and_Resume_says_how_much_came_meanwhile()
    {
        await ReadyAsync();
        await _session.SelectAsync(["news"]);
        await _session.StartAsync();
        _client.Write("news", """{"headline":"Before"}""");
        await _client.WaitForConsumedAsync(1);

        _session.TogglePause();
        _client.Write("news", """{"headline":"During 1"}""");
        _client.Write("news", """{"headline":"During 2"}""");
        await _client.WaitForConsumedAsync(3);
        await TickAsync();
        var whilePaused = _session.NewWhilePaused;
        _session.TogglePause();

        Assert.Equal(2, whilePaused);
        Assert.Equal(2, _session.ShownAfterPause);
        Assert.Equal("During 2", _session.Board.Cards[0].Latest);
    }

    [Fact]
    public async Task Disposing_the_session_stops_every_stream()
    {
        await ReadyAsync();
        await _session.StartAsync();
        await WaitForOpenStreamsAsync(2);

        await _session.DisposeAsync();

        Assert.Equal(0, _client.OpenStreams);
    }

    public async ValueTask DisposeAsync() => await _session.DisposeAsync();

    private Task ReadyAsync() => _session.EnsureReadyAsync(TestTimeouts.TestToken());

    // Ticks until the session has rendered once more.
    private async Task TickAsync()
    {
        var rendered = _rendered = TestTimeouts.NewSignal();
        _session.MarkChanged();
        while (!rendered.Task.IsCompleted)
        {
            _ticker.Tick();
            await Task.WhenAny(rendered.Task, Task.Delay(10));
        }
    }

    private Task WaitForOpenStreamsAsync(int count) => TestTimeouts.WaitUntilAsync(() => _client.OpenStreams == count);
}
