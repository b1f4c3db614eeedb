using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Tributary.Streaming.Merging;
using Tributary.Streaming.Producers;

namespace Tributary.Bench;

/// <summary>
/// 8 producers each write <see cref="ItemsPerProducer"/> integers into one bounded channel (capacity 64)
/// and one consumer sums them. The baseline does it by hand with a Channel and Task.Run; the scope does
/// the same work with structured teardown on top.
/// </summary>
public class MergeThroughputBenchmarks
{
    private const int Producers = 8;
    private const int Capacity = ScopedProducerOptions.DefaultCapacity;

    [Params(10_000)]
    public int ItemsPerProducer { get; set; }

    [Benchmark(Baseline = true, Description = "hand-written bounded Channel<T> loop")]
    public async Task<long> ChannelBaseline()
    {
        var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });
        var producers = new Task[Producers];
        for (var p = 0; p < Producers; p++)
        {
            producers[p] = Task.Run(async () =>
            {
                for (var i = 0; i < ItemsPerProducer; i++)
                {
                    await channel.Writer.WriteAsync(i);
                }
            });
        }

        var completion = Task.WhenAll(producers).ContinueWith(_ => channel.Writer.Complete(), TaskScheduler.Default);
        long sum = 0;
        await foreach (var item in channel.Reader.ReadAllAsync())
        {
            sum += item;
        }

        await completion;
        return sum;
    }

    [Benchmark(Description = "ScopedProducer<T>, 8 producers")]
    public async Task<long> ScopedProducer()
    {
        var scope = new ScopedProducer<int>();
        await using (scope)
        {
            for (var p = 0; p < Producers; p++)
            {
                scope.Start(async (writer, token) =>
                {
                    for (var i = 0; i < ItemsPerProducer; i++)
                    {
                        await writer.WriteAsync(i, token);
                    }
                });
            }

            long sum = 0;
            await foreach (var item in scope.ReadAllAsync())
            {
                sum += item;
            }

            return sum;
        }
    }

    [Benchmark(Description = "FeedMerge, 8 named feeds (labels + sequence per item)")]
    public async Task<long> FeedMergeOfEightFeeds()
    {
        var sources = new NamedFeed<int>[Producers];
        for (var p = 0; p < Producers; p++)
        {
            sources[p] = new NamedFeed<int>($"feed-{p}", Count);
        }

        long sum = 0;
        await foreach (var item in FeedMerge.MergeAsync(sources))
        {
            sum += item.Data;
        }

        return sum;
    }

    private async IAsyncEnumerable<int> Count([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        for (var i = 0; i < ItemsPerProducer; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }
}
