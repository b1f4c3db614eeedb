using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Sharing.Memory;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Merging;
using Tributary.Streaming.Operators;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Contracts;

/// <summary>
/// The failure contract every stream operator holds (docs/ARCHITECTURE.md): the items produced before a
/// failure are delivered, then the failure itself. Each operator runs the same script: three items, then a
/// failure, with no pause between them, so an operator that buffers is caught holding items when it fails.
/// </summary>
public sealed class FailureContractTests
{
    public static TheoryData<string> Operators => ["merge", "batching", "item limit", "shared-feed subscription"];

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [MemberData(nameof(Operators))]
    public async Task Items_before_a_failure_are_delivered_then_that_failure(string name)
    {
        var failure = new InvalidOperationException("the source broke");
        var received = new List<object>();

        await using var run = Operator(name, failure);
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var item in run.Items.WithCancellation(TestTimeouts.TestToken()))
            {
                received.Add(item);
            }
        });

        Assert.Same(failure, thrown);
        Assert.Equal([1, 2, 3], received);
    }

    private static OperatorRun Operator(string name, Exception failure) => name switch
    {
        "merge" => new(Data(FeedMerge.MergeAsync<object>([new NamedFeed<object>("news", token => Script(failure, token))]))),
        "batching" => new(Batched(Labelled(failure).BatchAsync(TimeSpan.FromHours(1), maxBatch: 100))),
        "item limit" => new(Data(Labelled(failure).TakeItems(10))),
        "shared-feed subscription" => SharedFeedRun(failure),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown operator."),
    };

    private static OperatorRun SharedFeedRun(Exception failure)
    {
        var host = new TaskGroup();
        var definition = new FeedDefinition { Name = "news", Kind = FeedKind.News, Linger = TimeSpan.Zero };
        var feed = new MemorySharedFeed(definition, (_, token) => Script(failure, token), host, TimeProvider.System, new StreamStats(), new PublishingOptions(), NullLogger.Instance);
        var subscription = feed.Subscribe(start: null);
        return new OperatorRun(Data(subscription.ReadAllAsync(TestTimeouts.TestToken())), host);
    }

    private static async IAsyncEnumerable<object> Script(Exception failure, [EnumeratorCancellation] CancellationToken token = default)
    {
        for (var i = 1; i <= 3; i++)
        {
            token.ThrowIfCancellationRequested();
            yield return i;
        }

        await Task.CompletedTask;
        throw failure;
    }

    private static async IAsyncEnumerable<FeedItem<object>> Labelled(Exception failure)
    {
        await foreach (var data in Script(failure))
        {
            yield return new FeedItem<object>("news", (int)data, DateTimeOffset.UnixEpoch, data);
        }
    }

    private static async IAsyncEnumerable<object> Data(IAsyncEnumerable<FeedItem<object>> items)
    {
        await foreach (var item in items)
        {
            yield return item.Data;
        }
    }

    private static async IAsyncEnumerable<object> Batched(IAsyncEnumerable<IReadOnlyList<FeedItem<object>>> batches)
    {
        await foreach (var batch in batches)
        {
            foreach (var item in batch)
            {
                yield return item.Data;
            }
        }
    }

    private sealed class OperatorRun(IAsyncEnumerable<object> items, TaskGroup? host = null) : IAsyncDisposable
    {
        public IAsyncEnumerable<object> Items { get; } = items;

        public async ValueTask DisposeAsync()
        {
            if (host is not null)
            {
                host.Cancel();
                await host.DisposeAsync();
            }
        }
    }
}
