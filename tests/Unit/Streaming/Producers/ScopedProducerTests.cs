using Tributary.Streaming.Diagnostics;
using Tributary.Streaming.Producers;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Producers;

/// <summary>
/// The scenarios of the Django patch this mirrors (basic streaming, misuse guards, teardown on producer
/// error and consumer break, a single producer through a queue, news + weather fan-in), plus outer
/// cancellation, a producer that ignores cancellation, and backpressure.
/// </summary>
public sealed class ScopedProducerTests
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
    public async Task Enumerating_the_stream_twice_throws_InvalidOperationException_that_explains_the_usage()
    {
        await using var scope = NewScope();
        scope.Start(token => CountAsync(3, token));
        await scope.ReadAllAsync(TestTimeouts.TestToken()).ToListAsync();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => scope.ReadAllAsync().ToListAsync());

        Assert.Contains("enumerated twice", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("await foreach (var item in scope.ReadAllAsync(ct))", thrown.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Enumerating_the_stream_after_the_scope_was_disposed_throws_InvalidOperationException()
    {
        var scope = NewScope();
        var stream = scope.ReadAllAsync();
        await scope.DisposeAsync();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => stream.ToListAsync());

        Assert.Contains("after its scope was disposed", thrown.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Starting_a_producer_after_the_scope_was_disposed_throws_InvalidOperationException()
    {
        var scope = NewScope();
        await scope.DisposeAsync();

        Assert.Throws<InvalidOperationException>(() => scope.Start(token => CountAsync(1, token)));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Producer_failure_cancels_the_other_producers_then_reaches_the_consumer_after_the_items_before_it()
    {
        var failure = new InvalidOperationException("feed broke");
        var siblingWasCancelled = false;
        var received = new List<int>();
        var scope = NewScope();
        await using (scope)
        {
            scope.Start(async (writer, token) =>
            {
                await token.WaitUntilCancelledAsync();
                siblingWasCancelled = true;
            });
            scope.Start(async (writer, token) =>
            {
                await writer.WriteAsync(1, token);
                await writer.WriteAsync(2, token);
                throw failure;
            });

            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await foreach (var item in scope.ReadAllAsync(TestTimeouts.TestToken()))
                {
                    received.Add(item);
                }
            });

            Assert.Same(failure, thrown);
            Assert.True(siblingWasCancelled);
        }

        Assert.Equal([1, 2], received);
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Consumer_breaking_out_early_cancels_and_awaits_every_producer()
    {
        var cancelledProducers = 0;
        var scope = NewScope();
        await using (scope)
        {
            for (var p = 0; p < 3; p++)
            {
                scope.Start(async (writer, token) =>
                {
                    try
                    {
                        for (var i = 0; ; i++)
                        {
                            await writer.WriteAsync(i, token);
                        }
                    }
                    finally
                    {
                        Interlocked.Increment(ref cancelledProducers);
                    }
                });
            }

            await foreach (var item in scope.ReadAllAsync(TestTimeouts.TestToken()))
            {
                if (item == 10)
                {
                    break;
                }
            }
        }

        Assert.Equal(3, cancelledProducers);
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Consumer_throwing_inside_the_loop_tears_the_producers_down()
    {
        var scope = NewScope();
        var act = async () =>
        {
            await using (scope)
            {
                scope.Start(token => CountAsync(int.MaxValue, token));
                await foreach (var item in scope.ReadAllAsync(TestTimeouts.TestToken()))
                {
                    throw new FormatException("consumer could not render item " + item);
                }
            }
        };

        await Assert.ThrowsAsync<FormatException>(act);

        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_the_consumer_token_ends_the_stream_and_disposal_stops_the_producers()
    {
        using var consumer = new CancellationTokenSource();
        var scope = NewScope();
        await using (scope)
        {
            scope.Start(token => CountAsync(int.MaxValue, token));

            var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var item in scope.ReadAllAsync(consumer.Token))
                {
                    if (item == 5)
                    {
                        consumer.Cancel();
                    }
                }
            });

            Assert.Equal(consumer.Token, thrown.CancellationToken);
        }

        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_the_outer_token_stops_the_producers_and_ends_the_stream_with_that_token()
    {
        using var outer = new CancellationTokenSource();
        var scope = NewScope(cancellationToken: outer.Token);
        await using (scope)
        {
            scope.Start(token => CountAsync(int.MaxValue, token));
            scope.Start(token => CountAsync(int.MaxValue, token));

            var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var item in scope.ReadAllAsync(TestTimeouts.TestToken()))
                {
                    if (item == 5)
                    {
                        outer.Cancel();
                    }
                }
            });

            Assert.Equal(outer.Token, thrown.CancellationToken);
        }

        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Disposal_waits_for_a_producer_that_ignores_cancellation_so_none_outlives_the_scope()
    {
        var started = TestTimeouts.NewSignal();
        var release = TestTimeouts.NewSignal();
        var stillRunning = false;
        var scope = NewScope();
        scope.Start(async (writer, _) =>
        {
            stillRunning = true;
            started.SetResult();
            await release.Task; // deliberately ignores the scope's token
            stillRunning = false;
        });
        await started.Task.DefaultTimeout();

        // Act - 1: leave the scope while the producer ignores the cancel
        var disposing = scope.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        Assert.Equal(1, _producers.Current);

        // Act - 2: the producer finally returns
        release.SetResult();
        await disposing.DefaultTimeout();

        Assert.False(stillRunning);
        Assert.Equal(0, _producers.Current);
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

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Disposing_a_scope_that_was_never_read_cancels_its_producers()
    {
        var scope = NewScope(capacity: 1);
        var started = TestTimeouts.NewSignal();
        scope.Start(async (writer, token) =>
        {
            started.SetResult();
            for (var i = 0; ; i++)
            {
                await writer.WriteAsync(i, token);
            }
        });
        await started.Task.DefaultTimeout();

        await scope.DisposeAsync().DefaultTimeout();

        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_failure_the_consumer_never_saw_is_rethrown_by_DisposeAsync()
    {
        var failure = new IOException("upstream reset while closing");
        var scope = NewScope();
        scope.Start(async (writer, token) =>
        {
            await token.WaitUntilCancelledAsync();
            throw failure;
        });

        var thrown = await Assert.ThrowsAsync<IOException>(() => scope.DisposeAsync().DefaultTimeout());

        Assert.Same(failure, thrown);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Producers_can_start_more_producers_before_the_stream_completes()
    {
        var scope = NewScope();
        await using (scope)
        {
            scope.Start(async (writer, token) =>
            {
                scope.Start(token => CountAsync(3, token));
                await writer.WriteAsync(100, token);
            });

            var received = await scope.ReadAllAsync(TestTimeouts.TestToken()).ToListAsync();

            Assert.Equal([0, 1, 2, 100], received.Order());
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
