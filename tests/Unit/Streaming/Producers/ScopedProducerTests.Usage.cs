using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Producers;

public sealed partial class ScopedProducerTests
{
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
}
