using Tributary.Streaming.Diagnostics;
using Tributary.Streaming.Producers;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Producers;

/// <summary>
/// The scenarios of the Django patch this mirrors (basic streaming, misuse guards, teardown on producer
/// error and consumer break, a single producer through a queue, news + weather fan-in), plus outer
/// cancellation, a producer that ignores cancellation, and backpressure.
/// </summary>
public sealed partial class ScopedProducerTests
{
    private readonly ActivityGauge _producers = new();

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Items_written_by_a_producer_are_streamed_to_the_consumer()
    {
        var received = new List<int>();
        await using (var scope = NewScope())
        {
            scope.Start(async (writer, token) =>
            {
                for (var i = 1; i <= 5; i++)
                {
                    await writer.WriteAsync(i, token);
                }
            });

            await foreach (var item in scope.ReadAllAsync(TestTimeouts.TestToken()))
            {
                received.Add(item);
            }
        }

        Assert.Equal([1, 2, 3, 4, 5], received);
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_single_producer_through_a_one_item_queue_delivers_every_item_in_order()
    {
        var scope = NewScope(capacity: 1);
        await using (scope)
        {
            scope.Start(token => CountAsync(1000, token));

            var received = await scope.ReadAllAsync(TestTimeouts.TestToken()).ToListAsync();

            Assert.Equal(Enumerable.Range(0, 1000), received);
        }
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task News_and_weather_fan_in_delivers_every_item_of_both_in_each_feeds_order()
    {
        var scope = new ScopedProducer<string>();
        await using (scope)
        {
            scope.Start(token => HeadlinesAsync("news", 50, token));
            scope.Start(token => HeadlinesAsync("weather", 50, token));

            var received = await scope.ReadAllAsync(TestTimeouts.TestToken()).ToListAsync();

            Assert.Equal(100, received.Count);
            Assert.Equal(Expected("news", 50), received.Where(x => x.StartsWith("news", StringComparison.Ordinal)));
            Assert.Equal(Expected("weather", 50), received.Where(x => x.StartsWith("weather", StringComparison.Ordinal)));
        }
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_slow_consumer_blocks_producers_at_the_channel_capacity()
    {
        const int Capacity = 4;
        var blockedAt = TestTimeouts.NewSignal<int>();
        var scope = NewScope(capacity: Capacity);
        await using (scope)
        {
            scope.Start(async (writer, token) =>
            {
                for (var i = 0; i < 100; i++)
                {
                    var write = writer.WriteAsync(i, token);
                    if (!write.IsCompleted)
                    {
                        blockedAt.TrySetResult(i);
                    }

                    await write;
                }
            });

            // Nothing is read yet: the producer must stop at the capacity instead of buffering all 100.
            Assert.Equal(Capacity, await blockedAt.Task.DefaultTimeout());

            var received = await scope.ReadAllAsync(TestTimeouts.TestToken()).ToListAsync();
            Assert.Equal(Enumerable.Range(0, 100), received);
        }
    }

    private ScopedProducer<int> NewScope(int capacity = ScopedProducerOptions.DefaultCapacity, CancellationToken cancellationToken = default) =>
        new(new ScopedProducerOptions { Capacity = capacity, ActiveProducers = _producers }, cancellationToken);

    private static async IAsyncEnumerable<int> CountAsync(int count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
    {
        for (var i = 0; i < count; i++)
        {
            token.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return i;
        }
    }

    private static IEnumerable<string> Expected(string feed, int count) => Enumerable.Range(0, count).Select(i => $"{feed} #{i}");

    private static async IAsyncEnumerable<string> HeadlinesAsync(string feed, int count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
    {
        await foreach (var i in CountAsync(count, token))
        {
            yield return $"{feed} #{i}";
        }
    }
}
