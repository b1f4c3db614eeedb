using System.Runtime.CompilerServices;
using Tributary.Streaming.Operators;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Operators;

public sealed class TimeWindowBatchingTests
{
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Items_that_are_already_waiting_travel_in_one_batch()
    {
        var gate = TestTimeouts.NewSignal();

        await using var batches = ReadyThenWait(5, gate).BatchAsync(TimeSpan.Zero, maxBatch: 100).GetAsyncEnumerator();

        Assert.True(await batches.MoveNextAsync());
        Assert.Equal([0, 1, 2, 3, 4], batches.Current);
        gate.SetResult();
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_batch_never_exceeds_its_maximum()
    {
        var batches = await Ready(7).BatchAsync(TimeSpan.FromHours(1), maxBatch: 3).ToListAsync();

        Assert.Equal([3, 3, 1], batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 7), batches.SelectMany(b => b));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Leaving_while_the_next_item_is_awaited_stops_and_disposes_the_source()
    {
        var disposed = TestTimeouts.NewSignal();

        await foreach (var batch in Forever(disposed).BatchAsync(TimeSpan.Zero, maxBatch: 10))
        {
            Assert.Equal([0], batch);
            break;
        }

        await disposed.Task.DefaultTimeout();
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_item_arriving_within_the_window_joins_the_batch_and_one_after_it_starts_the_next()
    {
        var clock = new ManualTimeProvider();
        var gates = new[] { TestTimeouts.NewSignal(), TestTimeouts.NewSignal() };
        var asked = new[] { TestTimeouts.NewSignal(), TestTimeouts.NewSignal() };
        await using var batches = Gated(gates, asked).BatchAsync(TimeSpan.FromMilliseconds(50), maxBatch: 10, clock).GetAsyncEnumerator();

        var first = batches.MoveNextAsync().AsTask();
        await asked[0].Task.DefaultTimeout();
        clock.Advance(TimeSpan.FromMilliseconds(20));
        gates[0].SetResult(); // item 1 arrives 20 ms into the window
        await asked[1].Task.DefaultTimeout(); // ...and has been taken into the batch
        Assert.False(first.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(30)); // the window closes
        Assert.True(await first.DefaultTimeout());
        Assert.Equal([0, 1], batches.Current);

        var second = batches.MoveNextAsync().AsTask();
        gates[1].SetResult(); // item 2 opens a new window
        clock.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(await second.DefaultTimeout());
        Assert.Equal([2], batches.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_while_a_batch_waits_for_more_ends_the_stream()
    {
        using var stop = new CancellationTokenSource();
        var disposed = TestTimeouts.NewSignal();
        await using var batches = Forever(disposed).BatchAsync(TimeSpan.FromHours(1), maxBatch: 10, cancellationToken: stop.Token).GetAsyncEnumerator();

        var first = batches.MoveNextAsync().AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.DefaultTimeout());
    }

    // Item 0 at once; item i + 1 once gates[i] opens, with asked[i] set when the reader starts waiting for it.
    private static async IAsyncEnumerable<int> Gated(TaskCompletionSource[] gates, TaskCompletionSource[] asked)
    {
        yield return 0;
        for (var i = 0; i < gates.Length; i++)
        {
            asked[i].SetResult();
            await gates[i].Task;
            yield return i + 1;
        }
    }

    private static async IAsyncEnumerable<int> Ready(int count)
    {
        await Task.CompletedTask;
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> ReadyThenWait(int count, TaskCompletionSource gate)
    {
        await foreach (var i in Ready(count))
        {
            yield return i;
        }

        await gate.Task;
    }

    private static async IAsyncEnumerable<int> Forever(TaskCompletionSource disposed, [EnumeratorCancellation] CancellationToken token = default)
    {
        try
        {
            yield return 0;
            await Task.Delay(Timeout.Infinite, token);
        }
        finally
        {
            disposed.TrySetResult();
        }
    }
}
