using System.Runtime.CompilerServices;

namespace Tributary.App.Feeds.Kinds;

/// <summary>Sequence numbers 1, 2, 3… at a rate (0 = as fast as the consumer takes them), for tests and load.</summary>
internal static class CounterFeed
{
    public static async IAsyncEnumerable<CounterTick> RunAsync(FeedDefinition feed, double rate, long count, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pacer = new FeedPacer(rate, time);
        for (long value = 1; count == 0 || value <= count; value++)
        {
            if (!await pacer.WaitForNextAsync(cancellationToken))
            {
                yield break;
            }

            if (feed.FailAfter > 0 && value > feed.FailAfter)
            {
                throw new InvalidOperationException($"Counter feed '{feed.Name}' is configured to fail after {feed.FailAfter} items (FailAfter).");
            }

            yield return new CounterTick(value);
        }
    }
}
