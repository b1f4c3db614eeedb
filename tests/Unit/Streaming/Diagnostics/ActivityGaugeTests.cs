using Tributary.Streaming.Diagnostics;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Diagnostics;

public sealed class ActivityGaugeTests
{
    [Fact]
    public void Waiting_for_the_current_count_completes_at_once()
    {
        var gauge = new ActivityGauge();

        Assert.True(gauge.WaitForAsync(0).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Waiting_for_zero_completes_when_the_last_one_stops_and_not_before()
    {
        var gauge = new ActivityGauge();
        gauge.Increment();
        gauge.Increment();

        var stopped = gauge.WaitForAsync(0, TestTimeouts.TestToken());
        gauge.Decrement();
        Assert.False(stopped.IsCompleted);
        gauge.Decrement();

        await stopped.DefaultTimeout();
        Assert.Equal(0, gauge.Current);
    }

    [Fact]
    public async Task Every_count_passed_through_by_concurrent_changes_is_seen_by_its_waiter()
    {
        var gauge = new ActivityGauge();
        var reached = gauge.WaitForAsync(1000, TestTimeouts.TestToken());

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 250; i++)
            {
                gauge.Increment();
            }
        })));

        await reached.DefaultTimeout();
    }

    [Fact]
    public async Task A_cancelled_wait_ends_with_its_token()
    {
        var gauge = new ActivityGauge();
        gauge.Increment();
        using var cancel = new CancellationTokenSource();

        var waiting = gauge.WaitForAsync(0, cancel.Token);
        await cancel.CancelAsync();

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(cancel.Token, thrown.CancellationToken);
    }
}
