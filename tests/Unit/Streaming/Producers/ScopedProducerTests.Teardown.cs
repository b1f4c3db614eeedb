using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Producers;

public sealed partial class ScopedProducerTests
{
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

    // The consumer's token ends the reading and disposal stops the producers; the outer token stops the
    // producers itself. Either way the stream ends with that token's cancellation and nothing keeps running.
    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData("consumer")]
    [InlineData("outer")]
    public async Task Cancelling_the_consumer_or_outer_token_ends_the_stream_with_that_token_and_stops_the_producers(string cancelled)
    {
        using var cancel = new CancellationTokenSource();
        var outer = cancelled == "outer";
        var scope = NewScope(cancellationToken: outer ? cancel.Token : default);
        await using (scope)
        {
            scope.Start(token => CountAsync(int.MaxValue, token));
            scope.Start(token => CountAsync(int.MaxValue, token));

            var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var item in scope.ReadAllAsync(outer ? TestTimeouts.TestToken() : cancel.Token))
                {
                    if (item == 5)
                    {
                        await cancel.CancelAsync();
                    }
                }
            });

            Assert.Equal(cancel.Token, thrown.CancellationToken);
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
}
