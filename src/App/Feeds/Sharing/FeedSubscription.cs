using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// One reader of a shared feed, with its own bounded buffer so that it can never slow the feed or the other
/// readers. When the buffer is full the policy decides: drop the oldest waiting items (the reader then gets
/// a <c>gap</c> record before its next item) or end this reader's stream.
/// </summary>
public sealed class FeedSubscription : IDisposable
{
    private readonly SharedFeed _feed;
    private readonly Channel<FeedItem<object>> _buffer;
    private readonly OverflowPolicy _policy;
    private readonly int _capacity;
    private long _skipped;
    private int _disposed;

    internal FeedSubscription(SharedFeed feed, int capacity, OverflowPolicy policy)
    {
        _feed = feed;
        _policy = policy;
        _capacity = capacity;
        var options = new BoundedChannelOptions(capacity)
        {
            FullMode = policy == OverflowPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = true,
        };
        _buffer = Channel.CreateBounded<FeedItem<object>>(options, _ => OnDropped());
    }

    /// <summary>Hands the subscriber an item; never waits.</summary>
    internal void Offer(FeedItem<object> item)
    {
        if (!_buffer.Writer.TryWrite(item) && _policy == OverflowPolicy.DisconnectSlowConsumer)
        {
            _buffer.Writer.TryComplete(FeedFailedException.ReaderBehind(item.Feed, _capacity));
        }
    }

    internal void Complete(Exception? failure) => _buffer.Writer.TryComplete(failure);

    /// <summary>The run of the feed's producer this reader belongs to; set and read under the feed's lock.</summary>
    internal SharedFeedRun? Run { get; set; }

    /// <summary>The feed's items from the moment of subscribing (after any replay), until the feed ends or the reader stops.</summary>
    public async IAsyncEnumerable<FeedItem<object>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            var reader = _buffer.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var item))
                {
                    var skipped = Interlocked.Exchange(ref _skipped, 0);
                    if (skipped > 0)
                    {
                        yield return Gap(item, skipped);
                    }

                    yield return item;
                }
            }
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _feed.Unsubscribe(this);
        }
    }

    private void OnDropped()
    {
        Interlocked.Increment(ref _skipped);
        _feed.CountDropped();
    }

    private static FeedItem<object> Gap(FeedItem<object> next, long skipped) => next with
    {
        Data = new FeedControl(
            FeedControlKind.Gap,
            $"{skipped} items of feed '{next.Feed}' were skipped because this reader fell behind; the next item is seq {next.Sequence}.",
            skipped),
    };
}
