using System.Diagnostics;

namespace Tributary.Load;

/// <summary>Open a stream, read 10 items, abort; time until the server reports no active producers.</summary>
internal static class CancelMode
{
    private const int WarmUpCycles = 50;

    public static async Task<List<LoadResult>> RunAsync(Uri server, int cycles, CancellationToken cancellationToken)
    {
        // An abort closes the connection. Left to itself, disposing an unfinished response makes the .NET
        // client read up to 1 MB more to reuse the connection, which would time the client's draining, not
        // the server's reaction; so this client does not drain.
        using var handler = new SocketsHttpHandler { MaxResponseDrainSize = 0 };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        var samples = await AbortCyclesAsync(http, cycles, producersLeft: 0, cancellationToken);

        var idle = await StatsClient.WaitForIdleAsync(http, TimeSpan.FromSeconds(10), cancellationToken);
        var p50 = samples[samples.Count / 2];
        var p99 = samples[(int)Math.Ceiling(samples.Count * 0.99) - 1];
        return
        [
            new("cancel", $"abort → 0 active producers, {cycles} cycles", $"p50 {p50:0.00} ms, p99 {p99:0.00} ms", "p99 < 2 ms", p99 < 2),
            new("cancel", "leaks after the cycles", idle ? "0 streams, 0 producers" : "streams or producers left running", "none", idle),
        ];
    }

    /// <summary>
    /// Times <paramref name="cycles"/> aborts of an unthrottled stream after its first 10 items: from closing the
    /// connection until the server's active producers are back to <paramref name="producersLeft"/>. Sorted.
    /// </summary>
    public static async Task<List<double>> AbortCyclesAsync(HttpClient http, int cycles, long producersLeft, CancellationToken cancellationToken)
    {
        var samples = new List<double>(cycles);
        var one = new byte[1];
        // The first cycles, unmeasured, warm up the abort and teardown paths of both processes (JIT tiering);
        // without them a freshly started server spends the measured cycles partly in unoptimized code.
        for (var i = -WarmUpCycles; i < cycles; i++)
        {
            var response = await http.GetAsync("/api/stream?feeds=counter&rate=0", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var lines = 0;
            while (lines < 10 && await body.ReadAsync(one, cancellationToken) == 1)
            {
                lines += one[0] == (byte)'\n' ? 1 : 0;
            }

            var clock = Stopwatch.StartNew();
            await body.DisposeAsync();
            response.Dispose();
            while ((await StatsClient.ReadAsync(http, cancellationToken)).Producers > producersLeft && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
            }

            if (i >= 0)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        samples.Sort();
        return samples;
    }
}
