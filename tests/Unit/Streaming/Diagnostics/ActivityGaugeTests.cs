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

    // Registering a waiter races the changes it waits for: whichever comes first, the waiter must see its count,
    // and two changes notifying at once must not trip over each other. The changes spin until the waiter is
    // about to register, to land in that window as often as possible. Bounded: quick trials, a fixed number.
    [Fact]
    public async Task A_waiter_registered_while_the_count_changes_never_misses_it()
    {
        for (var trial = 0; trial < 20_000; trial++)
        {
            // The only waiter, registering just as the last one stops.
            var gauge = new ActivityGauge();
            gauge.Increment();
            var go = 0;
            var change = Task.Run(() => DecrementOnGo(gauge, ref go));
            Volatile.Write(ref go, 1);
            var stopped = gauge.WaitForAsync(0, TestTimeouts.TestToken());

            await change.DefaultTimeout();
            await stopped.DefaultTimeout();
        }
    }

    [Fact]
    public async Task Changes_that_notify_at_the_same_time_release_every_waiter()
    {
        for (var trial = 0; trial < 20_000; trial++)
        {
            var gauge = new ActivityGauge();
            gauge.Increment();
            gauge.Increment();
            var halfway = gauge.WaitForAsync(1, TestTimeouts.TestToken());
            var stopped = gauge.WaitForAsync(0, TestTimeouts.TestToken());
            var go = 0;
            var changes = Task.WhenAll(Task.Run(() => DecrementOnGo(gauge, ref go)), Task.Run(() => DecrementOnGo(gauge, ref go)));
            Volatile.Write(ref go, 1);

            await changes.DefaultTimeout();
            await Task.WhenAll(halfway, stopped).DefaultTimeout();
        }
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

    private static void DecrementOnGo(ActivityGauge gauge, ref int go)
    {
        var spin = default(SpinWait);
        while (Volatile.Read(ref go) == 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        gauge.Decrement();
    }
}
