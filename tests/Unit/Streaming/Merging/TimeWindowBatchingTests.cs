using System.Runtime.CompilerServices;
using Tributary.Streaming.Merging;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Merging;

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
