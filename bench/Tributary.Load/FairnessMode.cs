using System.Diagnostics;

namespace Tributary.Load;

/// <summary>
/// With one greedy client reading an unthrottled 8-feed stream as fast as it can, everyone else must still be
/// served promptly: an aborted stream's producers stop, <c>/api/feeds</c> answers, a new stream gets its first
/// item, and a second greedy client gets about as much as the first.
/// </summary>
internal static class FairnessMode
{
    private const int Samples = 200;
    private const int WarmUp = 50;
    private const string Greedy = "/api/stream?feeds=c1,c2,c3,c4,c5,c6,c7,c8&rate=0";

    public static async Task<List<LoadResult>> RunAsync(Uri server, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxResponseDrainSize = 0, MaxConnectionsPerServer = int.MaxValue };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        await StatsClient.WaitForIdleAsync(http, TimeSpan.FromSeconds(30), cancellationToken);

        using var stopFirst = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = new GreedyReader();
        var firstTask = first.ReadAsync(http, Greedy, stopFirst.Token);
        await first.Started.WaitAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var (_, greedyProducers) = await StatsClient.ReadAsync(http, cancellationToken);

        // As the cancel mode, but the greedy stream's own producers keep running: done when the count is back to theirs.
        var abort = await CancelMode.AbortCyclesAsync(http, Samples, greedyProducers, cancellationToken);
        var feeds = await TimeAsync(() => http.GetAsync("/api/feeds", cancellationToken), cancellationToken);
        var firstItem = await ThroughputMode.TimeToFirstItemAsync(http, "/api/stream?feeds=c1&rate=0&count=1", WarmUp + Samples, cancellationToken);
        var (firstRate, secondRate) = await SecondGreedyClientAsync(http, first, cancellationToken);

        await stopFirst.CancelAsync();
        await firstTask;
        var ratio = secondRate / firstRate;
        return
        [
            Percentiles("abort → its producers stopped", abort, "p99 < 2 ms", p99 => p99 < 2),
            Percentiles("GET /api/feeds", feeds, "p99 < 5 ms", p99 => p99 < 5),
            Percentiles("a new stream's first item", [.. firstItem.Skip(WarmUp).Select(t => t.TotalMilliseconds)], "p99 < 5 ms", p99 => p99 < 5),
            new("fairness", "a second greedy client, 5 s side by side",
                $"{secondRate:N0} vs {firstRate:N0} items/s ({ratio:0.00}×)", "within 20%", ratio is >= 0.8 and <= 1.25),
        ];
    }

    private static LoadResult Percentiles(string measure, List<double> samples, string target, Func<double, bool> met)
    {
        samples.Sort();
        var p50 = samples[samples.Count / 2];
        var p99 = samples[(int)Math.Ceiling(samples.Count * 0.99) - 1];
        return new("fairness", $"{measure}, beside an unthrottled 8-feed stream ({samples.Count} samples)", $"p50 {p50:0.00} ms, p99 {p99:0.00} ms", target, met(p99));
    }

    private static async Task<List<double>> TimeAsync(Func<Task<HttpResponseMessage>> request, CancellationToken cancellationToken)
    {
        var samples = new List<double>(Samples);
        for (var i = -WarmUp; i < Samples; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await request();
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (i >= 0)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return samples;
    }

    private static async Task<(double First, double Second)> SecondGreedyClientAsync(HttpClient http, GreedyReader first, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var second = new GreedyReader();
        var task = second.ReadAsync(http, Greedy, stop.Token);
        await second.Started.WaitAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var (firstBefore, secondBefore) = (first.Items, second.Items);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var (firstAfter, secondAfter) = (first.Items, second.Items);
        var elapsed = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await task;
        return ((firstAfter - firstBefore) / elapsed, (secondAfter - secondBefore) / elapsed);
    }
}
