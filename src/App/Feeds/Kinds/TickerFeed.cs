using System.Runtime.CompilerServices;

namespace Tributary.App.Feeds.Kinds;

/// <summary>Simulated prices: a geometric random walk per symbol, quoted in turn, with a bid/ask spread and volume.</summary>
internal static class TickerFeed
{
    public static async IAsyncEnumerable<TickerQuote> RunAsync(FeedDefinition feed, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var random = new Random(Random.Shared.Next());
        var open = feed.Symbols.Select(s => 20.0 + (Gaussian.StableSeed(s) % 48000) / 100.0).ToArray();
        var price = (double[])open.Clone();
        var pacer = new FeedPacer(feed.Rate, time);
        for (long n = 0; ; n++)
        {
            if (!await pacer.WaitForNextAsync(cancellationToken))
            {
                yield break;
            }

            var i = (int)(n % feed.Symbols.Count);
            price[i] = Math.Max(0.01, price[i] * Math.Exp(0.002 * Gaussian.Next(random)));
            yield return Quote(feed.Symbols[i], price[i], open[i], random);
        }
    }

    private static TickerQuote Quote(string symbol, double price, double open, Random random)
    {
        var halfSpread = Math.Max(0.005, price * 0.00025);
        var last = Math.Round((decimal)price, 2);
        var change = last - Math.Round((decimal)open, 2);
        return new TickerQuote(
            symbol,
            last,
            Math.Round((decimal)(price - halfSpread), 2),
            Math.Round((decimal)(price + halfSpread), 2),
            random.Next(1, 50) * 100L,
            change,
            Math.Round(change / (decimal)open * 100m, 2));
    }
}
