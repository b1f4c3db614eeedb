using Tributary.App.Feeds;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds;

public sealed class FeedPacerTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task At_one_item_a_second_each_item_waits_for_its_second()
    {
        var pacer = new FeedPacer(1, _clock);
        Assert.True(Next(pacer).IsCompleted);

        var second = Next(pacer);
        _clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.False(second.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        await second.DefaultTimeout();

        var third = Next(pacer);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(third.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        await third.DefaultTimeout();
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task At_high_rates_items_due_within_10_ms_are_released_together()
    {
        var pacer = new FeedPacer(1000, _clock);
        Assert.True(Next(pacer).IsCompleted);

        var waiting = Next(pacer);
        Assert.False(waiting.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        await waiting.DefaultTimeout();

        // Items 2..10 came due during the same 10 ms: no more waiting for them.
        for (var item = 2; item <= 10; item++)
        {
            Assert.True(Next(pacer).IsCompleted, $"item {item} waited");
        }

        Assert.False(Next(pacer).IsCompleted);
    }

    [Fact]
    public void A_feed_that_fell_behind_catches_up_without_waiting()
    {
        var pacer = new FeedPacer(10, _clock);
        _clock.Advance(TimeSpan.FromSeconds(1));

        for (var item = 0; item <= 10; item++)
        {
            Assert.True(Next(pacer).IsCompleted, $"item {item} waited");
        }

        Assert.False(Next(pacer).IsCompleted);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_a_wait_ends_it_with_false_and_no_exception()
    {
        var pacer = new FeedPacer(1, _clock);
        using var stop = new CancellationTokenSource();
        await pacer.WaitForNextAsync(stop.Token).AsTask();

        var waiting = pacer.WaitForNextAsync(stop.Token).AsTask();
        await stop.CancelAsync();

        Assert.False(await waiting.DefaultTimeout());
        Assert.False(await pacer.WaitForNextAsync(stop.Token));
    }

    [Fact]
    public void An_unthrottled_feed_never_waits()
    {
        var pacer = new FeedPacer(0, _clock);

        for (var item = 0; item < 1_000; item++)
        {
            Assert.True(Next(pacer).IsCompleted);
        }
    }

    // Consumed at once, as a task, so a test can look at whether it has completed yet.
    private static Task<bool> Next(FeedPacer pacer) => pacer.WaitForNextAsync(TestTimeouts.TestToken()).AsTask();
}
