using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Dashboard.State;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.Session;

/// <summary>
/// A dashboard on each of two instances sharing a feed through PostgreSQL, each circuit on its own server's hub as
/// in production; the instance producing the feed dies and the other takes over.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class DashboardFailoverTests(PostgresFixture postgres)
{
    private static readonly (string, string?)[] Ticks = PostgresFixture.Ticks;

    [Fact]
    public async Task When_the_producing_instance_dies_the_survivors_dashboard_shows_the_gap_and_the_items_that_follow_it()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var a = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        await using var b = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        await using var onA = await LoopbackDashboard.OpenAsync(a, token);
        await onA.Client.WaitForAsync(r => r.IsData).WaitAsync(token);
        await using var onB = await LoopbackDashboard.OpenAsync(b, token);
        await onB.Client.WaitForAsync(r => r.IsData).WaitAsync(token);
        var (producer, survivor) = Counters(a).Producer ? (a, onB) : (b, onA);
        await survivor.RenderAsync(token);

        // Abruptly: every connection of the producing instance is cut, as if it had been killed.
        await postgres.Server.KillAsync(producer, token);
        var gap = await survivor.Client.WaitForAsync(r => r.Type == "gap").WaitAsync(token);
        var after = await survivor.Client.WaitForAsync(r => r.IsData && r.Sequence > gap.Sequence).WaitAsync(token);
        await survivor.RenderAsync(token);

        var timeline = survivor.Session.Board.Timeline;
        Assert.Contains(timeline, e => e.Kind == TimelineKind.Gap && e.Summary.Contains("changed producer", StringComparison.Ordinal));
        Assert.Contains(timeline, e => e.Kind == TimelineKind.Data && e.Sequence == after.Sequence);
        var card = Assert.Single(survivor.Session.Board.Cards);
        Assert.Equal(1, card.Gaps);
        // The gap's size is not known (items that never reached the log): an interruption, not a count of missed items.
        Assert.Equal((0L, 1L), (card.Missed, card.Interruptions));
    }

    private static SharedFeedSnapshot Counters(LoopbackApp app) =>
        app.Services.GetRequiredService<StreamStats>().SharedFeed("ticks").Snapshot();
}
