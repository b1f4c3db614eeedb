using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// One reader of a shared feed, with its own bounded buffer so that it can never slow the feed or the other
/// readers. When the buffer is full the policy decides: drop the oldest waiting items (the reader then gets
/// a <c>gap</c> record before its next item) or end this reader's stream. A gap is worked out from the
/// sequence numbers the reader receives, so it always sits exactly where the skip happened.
/// </summary>
public sealed class FeedSubscription : IDisposable
{
    private readonly ISubscriptionOwner _feed;
    private readonly Channel<FeedItem<object>> _buffer;
    private readonly OverflowPolicy _policy;
    private readonly int _capacity;
    private long _delivered;
    private long _skipThrough;
    private int _disposed;

    // startsAfter: the sequence just before this reader's first item, so a skip before its first read shows too.
    internal FeedSubscription(ISubscriptionOwner feed, int capacity, OverflowPolicy policy, long startsAfter)
    {
        _feed = feed;
        _delivered = startsAfter;
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

    /// <summary>
    /// Sets the sequence just before this reader's first item, for a reader that joined before its feed knew
    /// its position; called before the first <see cref="Offer"/>.
    /// </summary>
    internal void StartAfter(long sequence) => _delivered = sequence;

    /// <summary>
    /// Leaves out the items up to <paramref name="sequence"/>: a reader that resumed from a position beyond
    /// what its feed had handed this instance already has them. A <c>reset</c> ends the skip.
    /// </summary>
    internal void SkipThrough(long sequence) => _skipThrough = sequence;

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
                    if (item.Data is FeedControl { Kind: FeedControlKind.Reset })
                    {
                        // The feed resumes after the reset's seq: nothing before it counts as skipped.
                        (_delivered, _skipThrough) = (item.Sequence, 0);
                    }
                    else if (item.Data is not FeedControl)
                    {
                        if (item.Sequence <= _skipThrough)
                        {
                            _delivered = item.Sequence;
                            continue;
                        }

                        if (item.Sequence - _delivered - 1 is var skipped and > 0)
                        {
                            yield return Gap(item, skipped);
                        }

                        _delivered = item.Sequence;
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

    private void OnDropped() => _feed.CountDropped();

    private static FeedItem<object> Gap(FeedItem<object> next, long skipped) => next with
    {
        Data = new FeedControl(
            FeedControlKind.Gap,
            $"{skipped} items of feed '{next.Feed}' were skipped because this reader fell behind; the next item is seq {next.Sequence}.",
            skipped),
    };
}
