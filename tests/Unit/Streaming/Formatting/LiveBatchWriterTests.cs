using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Tributary.Streaming.Formatting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Formatting;

public sealed class LiveBatchWriterTests
{
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Items_that_are_already_waiting_are_written_together_and_flushed_once()
    {
        var output = new RecordingOutput();
        var writer = new LiveBatchWriter(output);

        var count = await writer.CopyAsync(Ready(10), Line, heartbeat: null, TestTimeouts.TestToken());
        await writer.FlushAsync(TestTimeouts.TestToken());

        Assert.Equal(10, count);
        Assert.Equal(1, output.Writes);
        Assert.Equal([string.Concat(Enumerable.Range(0, 10).Select(i => $"{i}\n"))], output.Flushes);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task On_an_idle_stream_each_item_is_flushed_as_soon_as_it_is_written()
    {
        var output = new RecordingOutput();
        var writer = new LiveBatchWriter(output);
        var gates = Enumerable.Range(0, 4).Select(_ => TestTimeouts.NewSignal()).ToArray();

        var copy = writer.CopyAsync(Gated(gates), Line, heartbeat: null, TestTimeouts.TestToken());
        // Waiting for item 0, the writer flushes its (empty) batch first.
        await output.WaitForFlushesAsync(1);
        for (var i = 0; i < 3; i++)
        {
            // Item i is ready; the writer formats it, finds item i + 1 not ready, and flushes item i alone.
            gates[i].SetResult();
            await output.WaitForFlushesAsync(i + 2);
            Assert.Equal($"{i}\n", output.Flushes[i + 1]);
        }

        gates[3].SetResult();
        Assert.Equal(4, await copy.DefaultTimeout());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task With_a_flush_clock_the_items_after_the_one_that_woke_the_writer_go_out_with_it_at_the_tick()
    {
        var clock = new ManualTimeProvider();
        using var flushClock = new FlushClock(TimeSpan.FromMilliseconds(20), clock);
        var output = new RecordingOutput();
        var writer = new LiveBatchWriter(output, flushClock: flushClock);
        var gates = Enumerable.Range(0, 4).Select(_ => TestTimeouts.NewSignal()).ToArray();
        var formatted = Enumerable.Range(0, 4).Select(_ => TestTimeouts.NewSignal()).ToArray();

        var copy = writer.CopyAsync(Gated(gates), (item, batch) => { Line(item, batch); formatted[item].TrySetResult(); }, heartbeat: null, TestTimeouts.TestToken());
        await output.WaitForFlushesAsync(1);
        gates[0].SetResult();
        // Item 0 woke the writer and is formatted; items 1 and 2 arrive before the tick.
        await formatted[0].Task.DefaultTimeout();
        gates[1].SetResult();
        gates[2].SetResult();
        clock.Advance(TimeSpan.FromMilliseconds(20));
        await output.WaitForFlushesAsync(2);

        Assert.Equal("0\n1\n2\n", output.Flushes[1]);
        gates[3].SetResult();
        await formatted[3].Task.DefaultTimeout();
        clock.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(4, await copy.DefaultTimeout());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_stream_whose_client_leaves_while_it_waits_for_a_tick_stops_at_once()
    {
        using var flushClock = new FlushClock(TimeSpan.FromHours(1));
        using var cancel = new CancellationTokenSource();
        var writer = new LiveBatchWriter(new RecordingOutput(), flushClock: flushClock);
        var gates = Enumerable.Range(0, 2).Select(_ => TestTimeouts.NewSignal()).ToArray();
        var formatted = TestTimeouts.NewSignal();

        var copy = writer.CopyAsync(Gated(gates), (item, batch) => { Line(item, batch); formatted.TrySetResult(); }, heartbeat: null, cancel.Token);
        gates[0].SetResult();
        await formatted.Task.DefaultTimeout();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copy.DefaultTimeout());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_idle_stream_gets_heartbeats_until_it_is_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var output = new RecordingOutput();
        var writer = new LiveBatchWriter(output);
        var heartbeat = new LiveHeartbeat(TimeSpan.FromMilliseconds(20), batch => batch.Write(": beat\n"u8));
        var finished = TestTimeouts.NewSignal();

        var copy = writer.CopyAsync(Forever(finished), Line, heartbeat, cancel.Token);
        while (!output.Flushes.Contains(": beat\n"))
        {
            await output.NextFlush().DefaultTimeout();
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copy.DefaultTimeout());
        Assert.True(finished.Task.IsCompleted, "the source was not disposed");
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_failing_source_leaves_the_items_before_it_in_the_batch_for_a_final_record()
    {
        var failure = new InvalidDataException("feed broke");
        var output = new RecordingOutput();
        var writer = new LiveBatchWriter(output);

        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() => writer.CopyAsync(ReadyThenFail(2, failure), Line, null, TestTimeouts.TestToken()));
        writer.Batch.Write("error\n"u8);
        await writer.FlushAsync(TestTimeouts.TestToken());

        Assert.Same(failure, thrown);
        Assert.Equal(["0\n1\nerror\n"], output.Flushes);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_large_backlog_is_flushed_in_bounded_batches()
    {
        var output = new RecordingOutput();
        var writer = new LiveBatchWriter(output);
        var line = new string('x', 1023) + "\n";

        await writer.CopyAsync(Ready(200), (_, batch) => batch.Write(Encoding.UTF8.GetBytes(line)), null, TestTimeouts.TestToken());
        await writer.FlushAsync(TestTimeouts.TestToken());

        Assert.Equal(200 * 1024, output.Flushes.Sum(f => f.Length));
        Assert.All(output.Flushes, f => Assert.True(f.Length <= LiveBatchWriter.MaxBatchBytes + 1024));
        Assert.True(output.Flushes.Count >= 3);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_failed_flush_while_waiting_still_stops_and_disposes_the_source()
    {
        var output = new RecordingOutput { FailFlushWith = new IOException("connection reset") };
        var writer = new LiveBatchWriter(output);
        var finished = TestTimeouts.NewSignal();

        await Assert.ThrowsAsync<IOException>(() => writer.CopyAsync(Forever(finished), Line, null, TestTimeouts.TestToken()));

        Assert.True(finished.Task.IsCompleted, "the source was not disposed");
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_stops_the_copy_even_while_items_are_still_waiting()
    {
        // The source never has to wait and the output never refuses a write, as with a response whose client
        // has just gone: only the token can stop the copy.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestTimeouts.TestToken());
        var writer = new LiveBatchWriter(new RecordingOutput());
        var formatted = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.CopyAsync(
            Ready(1_000_000),
            (item, batch) =>
            {
                Line(item, batch);
                if (++formatted == 10)
                {
                    stop.Cancel();
                }
            },
            heartbeat: null,
            stop.Token));

        Assert.Equal(10, formatted);
    }

    private static void Line(int item, IBufferWriter<byte> batch) => batch.Write(Encoding.UTF8.GetBytes($"{item}\n"));

    private static async IAsyncEnumerable<int> Ready(int count)
    {
        await Task.CompletedTask;
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> ReadyThenFail(int count, Exception failure)
    {
        await foreach (var i in Ready(count))
        {
            yield return i;
        }

        throw failure;
    }

    private static async IAsyncEnumerable<int> Gated(TaskCompletionSource[] gates)
    {
        for (var i = 0; i < gates.Length; i++)
        {
            await gates[i].Task;
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> Forever(TaskCompletionSource finished, [EnumeratorCancellation] CancellationToken token = default)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, token);
            yield break;
        }
        finally
        {
            finished.TrySetResult();
        }
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_backlog_yields_to_the_thread_pool_and_never_to_the_callers_context()
    {
        // Everything is ready at once, so the writer yields after each full batch; a Blazor caller's context
        // must not be where the rest of the copy runs.
        var context = new CountingSynchronizationContext();
        var output = new RecordingOutput();
        var writer = new LiveBatchWriter(output);
        var record = new byte[100];

        var copy = context.RunUnder(() => writer.CopyAsync(Ready(5_000), (_, batch) => batch.Write(record), heartbeat: null, TestTimeouts.TestToken()));

        Assert.Equal(5_000, await copy.DefaultTimeout());
        Assert.True(output.Flushes.Count > 2, $"expected several full batches, saw {output.Flushes.Count} flushes");
        Assert.Equal(0, context.Posts);
    }

}
