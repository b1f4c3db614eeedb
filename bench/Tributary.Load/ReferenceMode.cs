namespace Tributary.Load;

/// <summary>
/// Tributary against the references in the same run: bench/Tributary.Reference (a bare Kestrel loop) and
/// bench/reference-node (a plain Node <c>http</c> server), which answer the same <c>/api/stream</c> and
/// <c>/api/stats</c> requests, so one client measures all of them the same way, one server at a time:
/// - the same 8-feed unthrottled read, raw and gzip, by curl into /dev/null (a client that costs almost nothing,
///   so the two cores go to the server), alternating between the servers so that all see the same machine;
/// - the time to a first item (<c>count=1</c>, kept-alive connection, send to first newline);
/// - abort → producers stopped, on an idle server and beside a greedy unthrottled 8-feed stream;
/// - 5,000 slow streams closed at once → the server's counts at zero.
/// Throughput is reported as a ratio to the bare Kestrel loop; the rest beside Node's figure.
/// </summary>
internal static class ReferenceMode
{
    private const int Rounds = 5;
    private const int FirstItemSamples = 200;
    private const int AbortCycles = 200;
    private const int ClosedStreams = 5_000;
    private const int CloseRounds = 3;
    private const string FirstItem = "/api/stream?feeds=c1&rate=0&count=1";
    private const string Greedy = "/api/stream?feeds=c1,c2,c3,c4,c5,c6,c7,c8&rate=0";
    private static readonly string Feeds = string.Join(',', Enumerable.Range(1, 8).Select(i => $"c{i}"));

    /// <summary>Measures <paramref name="servers"/>: Tributary first, then the bare Kestrel loop, then Node when given.</summary>
    public static async Task<List<LoadResult>> RunAsync(IReadOnlyList<ReferenceServer> servers, long perFeed, CancellationToken cancellationToken)
    {
        var clients = servers.Select(s => Client(s.Url)).ToList();
        try
        {
            var items = 8 * perFeed;
            var raw = await CompareAsync(servers, s => CurlClient.RateAsync(StreamUrl(s, perFeed), items, gzip: false, cancellationToken));
            var gzip = await CompareAsync(servers, s => CurlClient.RateAsync(StreamUrl(s, perFeed), items, gzip: true, cancellationToken));
            var first = await FirstItemsAsync(clients, cancellationToken);
            var idleAborts = new List<List<double>>();
            var greedyAborts = new List<List<double>>();
            var closes = new List<double>();
            for (var i = 0; i < servers.Count; i++)
            {
                Console.Error.WriteLine($"  {servers[i].Name}: aborts, then {ClosedStreams:N0} streams closed…");
                idleAborts.Add(await CancelMode.AbortCyclesAsync(clients[i], AbortCycles, producersLeft: 0, cancellationToken));
                greedyAborts.Add(await AbortsBesideGreedyAsync(clients[i], cancellationToken));
                closes.Add(await ClosesAsync(clients[i], servers[i].Url, cancellationToken));
            }

            var node = servers.Count > 2 ? 2 : -1;
            return
            [
                Ratio("raw NDJSON, 8 feeds, one client", servers, raw, 0.6),
                Ratio("gzip, 8 feeds, one client", servers, gzip, 0.6),
                new("reference", $"time to first item, p50 of {FirstItemSamples}", Each(servers, first, v => $"{v:0.00} ms"),
                    "< Node's, ≤ 0.36 ms", first[0] <= 0.36 && (node < 0 || first[0] < first[node])),
                Abort("abort → producers stopped, idle server", servers, idleAborts, node, "p50 and p99 < Node's", p => node >= 0 && p.P50 < P50(idleAborts[node]) && p.P99 < P99(idleAborts[node])),
                Abort("abort → producers stopped, beside an unthrottled 8-feed stream", servers, greedyAborts, node, "p99 ≤ 3 ms", p => p.P99 <= 3),
                new("reference", $"{ClosedStreams:N0} open streams closed at once → counts at zero (median of {CloseRounds})",
                    Each(servers, closes, v => $"{v:0.000} s"), "< Node's", node >= 0 && closes[0] < closes[node]),
            ];
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    // An abort closes the connection; this client does not drain the rest of an unfinished response first.
    private static HttpClient Client(Uri url) =>
        new(new SocketsHttpHandler { MaxResponseDrainSize = 0, MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };

    private static Uri StreamUrl(ReferenceServer server, long perFeed) =>
        new(server.Url, $"/api/stream?feeds={Feeds}&rate=0&count={perFeed}&format=ndjson");

    // Two unmeasured runs of each, then measured runs alternating between the servers.
    private static async Task<List<List<double>>> CompareAsync(IReadOnlyList<ReferenceServer> servers, Func<ReferenceServer, Task<double>> run)
    {
        var rates = servers.Select(_ => new List<double>()).ToList();
        for (var round = -2; round < Rounds; round++)
        {
            for (var i = 0; i < servers.Count; i++)
            {
                var rate = await run(servers[i]);
                if (round >= 0)
                {
                    rates[i].Add(rate);
                }
            }
        }

        return rates;
    }

    // Unmeasured first: the first-item path of every server reaches its optimized code (JIT tiering).
    private static async Task<List<double>> FirstItemsAsync(List<HttpClient> clients, CancellationToken cancellationToken)
    {
        foreach (var client in clients)
        {
            await ThroughputMode.TimeToFirstItemAsync(client, FirstItem, FirstItemSamples, cancellationToken);
        }

        var samples = clients.Select(_ => new List<TimeSpan>()).ToList();
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < clients.Count; i++)
            {
                samples[i].AddRange(await ThroughputMode.TimeToFirstItemAsync(clients[i], FirstItem, FirstItemSamples / 4, cancellationToken));
            }
        }

        return [.. samples.Select(s => ThroughputMode.Median(s).TotalMilliseconds)];
    }

    private static async Task<List<double>> AbortsBesideGreedyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        await StatsClient.WaitForIdleAsync(http, TimeSpan.FromSeconds(30), cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var greedy = new GreedyReader();
        var reading = greedy.ReadAsync(http, Greedy, stop.Token);
        await greedy.Started.WaitAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var (_, greedyProducers) = await StatsClient.ReadAsync(http, cancellationToken);
        var samples = await CancelMode.AbortCyclesAsync(http, AbortCycles, greedyProducers, cancellationToken);
        await stop.CancelAsync();
        await reading;
        return samples;
    }

    private static async Task<double> ClosesAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        await StatsClient.WaitForIdleAsync(http, TimeSpan.FromSeconds(30), cancellationToken);
        var rounds = new List<double>();
        for (var i = 0; i < CloseRounds; i++)
        {
            rounds.Add(await StreamCloser.OpenAndCloseAsync(http, url, ClosedStreams, cancellationToken));
        }

        return Median(rounds);
    }

    private static LoadResult Ratio(string measure, IReadOnlyList<ReferenceServer> servers, List<List<double>> rates, double target)
    {
        var ratio = Median(rates[0]) / Median(rates[1]);
        return new("reference", measure,
            $"**{ratio:0.00}×** of {servers[1].Name}; " + Each(servers, rates, r => $"{Median(r):N0} items/s ({r.Min():N0}–{r.Max():N0})") + $" (medians of {Rounds})",
            $"≥ {target:0.0}× {servers[1].Name}", ratio >= target);
    }

    private static LoadResult Abort(string measure, IReadOnlyList<ReferenceServer> servers, List<List<double>> samples, int node, string target, Func<(double P50, double P99), bool> met) =>
        new("reference", $"{measure} ({AbortCycles} cycles)",
            Each(servers, samples, s => $"p50 {P50(s):0.00} / p99 {P99(s):0.00} ms"), target, met((P50(samples[0]), P99(samples[0]))));

    private static string Each<T>(IReadOnlyList<ReferenceServer> servers, IReadOnlyList<T> values, Func<T, string> format) =>
        string.Join("; ", servers.Select((s, i) => $"{s.Name} {format(values[i])}"));

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double P50(List<double> sorted) => sorted[sorted.Count / 2];

    private static double P99(List<double> sorted) => sorted[(int)Math.Ceiling(sorted.Count * 0.99) - 1];
}
