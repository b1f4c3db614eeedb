using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing.Memory;
using Tributary.Streaming.Concurrency;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing.Memory;

/// <summary>A push feed on the memory engine: publishes with or without readers, and what its idempotency window remembers.</summary>
public sealed class MemoryPublishingTests : IAsyncDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private readonly TaskGroup _host = new();
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void A_retry_within_the_window_is_answered_as_the_first_time_and_after_it_is_a_new_publish()
    {
        var feed = NewFeed();
        var key = new IdempotencyKey("req-1", "same");

        var first = feed.Publish(Batch(key, ("a", "o-1")));
        _clock.Advance(Window - TimeSpan.FromSeconds(1));
        var retried = feed.Publish(Batch(key, ("a", "o-1")));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var later = feed.Publish(Batch(key, ("a", "o-1")));

        Assert.True(retried.Replayed);
        Assert.Equal(first.Items, retried.Items);
        Assert.False(later.Replayed);
        Assert.Equal((2L, false), (later.Items[0].Sequence, later.Items[0].Duplicate));
    }

    [Fact]
    public void The_ledger_forgets_its_oldest_ids_past_its_capacity_so_memory_stays_bounded()
    {
        var feed = NewFeed(capacity: 2);
        feed.Publish(Batch(null, ("a", "o-1"), ("b", "o-2"), ("c", "o-3")));

        var again = feed.Publish(Batch(null, ("a", "o-1"), ("c", "o-3")));

        Assert.Equal((4L, false), (again.Items[0].Sequence, again.Items[0].Duplicate));
        Assert.Equal((3L, true), (again.Items[1].Sequence, again.Items[1].Duplicate));
    }

    [Fact]
    public async Task Items_published_with_no_reader_are_kept_in_history_for_the_first_one()
    {
        var feed = NewFeed();

        feed.Publish(Batch(null, ("a", null), ("b", null)));
        using var reader = feed.Subscribe(FeedStart.Last(10));
        var items = await reader.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(2);

        Assert.Equal([1L, 2L], items.Select(i => i.Sequence));
        Assert.Equal(["\"a\"", "\"b\""], items.Select(i => Encoding.UTF8.GetString(i.DataJson.Span)));
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private MemorySharedFeed NewFeed(int capacity = 100_000) => new(
        new FeedDefinition { Name = "orders", Kind = FeedKind.Push },
        (_, _) => throw new InvalidOperationException("A push feed has no producer to open."),
        _host,
        _clock,
        new StreamStats(),
        new PublishingOptions { IdempotencyWindow = Window, MemoryLedgerCapacity = capacity },
        NullLogger.Instance);

    private static PublishBatch Batch(IdempotencyKey? key, params (string Data, string? Id)[] items) =>
        new([.. items.Select(i => new PublishItem(Encoding.UTF8.GetBytes($"\"{i.Data}\""), i.Id))], key);
}
