using BenchmarkDotNet.Attributes;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Producers;

namespace Tributary.Bench;

/// <summary>The fixed cost of opening a scope, starting 8 producers that return at once, and tearing it down.</summary>
public class ScopeLifecycleBenchmarks
{
    private const int Producers = 8;
    private static readonly Func<ProducerWriter<int>, CancellationToken, Task> EmptyProducer = (_, _) => Task.CompletedTask;
    private static readonly Func<CancellationToken, Task> EmptyChild = _ => Task.CompletedTask;

    [Benchmark(Description = "ScopedProducer: open, start 8, read to end, dispose")]
    public async Task ScopeWithEightProducers()
    {
        var scope = new ScopedProducer<int>();
        await using (scope)
        {
            for (var p = 0; p < Producers; p++)
            {
                scope.Start(EmptyProducer);
            }

            await foreach (var _ in scope.ReadAllAsync())
            {
            }
        }
    }

    [Benchmark(Description = "ScopedProducer: open, start 8, dispose without reading")]
    public async Task ScopeWithEightProducersDisposedUnread()
    {
        var scope = new ScopedProducer<int>();
        for (var p = 0; p < Producers; p++)
        {
            scope.Start(EmptyProducer);
        }

        await scope.DisposeAsync();
    }

    /// <summary>Per child: what <see cref="TaskGroup.Start"/> costs on top of the caller's delegate.</summary>
    [Benchmark(OperationsPerInvoke = 1000, Description = "TaskGroup.Start, per child (1000 children, one group)")]
    public async Task TaskGroupStartPerChild()
    {
        var group = new TaskGroup();
        for (var c = 0; c < 1000; c++)
        {
            group.Start(EmptyChild);
        }

        await group.DisposeAsync();
    }

    [Benchmark(Description = "TaskGroup: open, start 8, dispose")]
    public async Task TaskGroupWithEightChildren()
    {
        var group = new TaskGroup();
        for (var p = 0; p < Producers; p++)
        {
            group.Start(EmptyChild);
        }

        await group.DisposeAsync();
    }
}
