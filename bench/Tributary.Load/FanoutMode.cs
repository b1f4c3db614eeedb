using System.Diagnostics;

namespace Tributary.Load;

/// <summary>N concurrent streams of a 1 item/s counter, held 10 s; each must receive its items.</summary>
internal static class FanoutMode
{
    private const int MemoryTargetStreams = 10_000;

    public static async Task<List<LoadResult>> RunAsync(Uri server, ServerProcess process, IReadOnlyList<int> counts, TimeSpan hold, CancellationToken cancellationToken)
    {
        // Memory is measured from before the first round: the rounds run one after another and a process
        // does not give memory back promptly, so each round's own "before" would hide what earlier ones kept.
        var baseline = process.ResidentKilobytes();
        var results = new List<LoadResult>();
        foreach (var count in counts)
        {
            results.Add(await HoldAsync(server, process, count, hold, baseline, cancellationToken));
        }

        return results;
    }

    private static async Task<LoadResult> HoldAsync(Uri server, ServerProcess process, int count, TimeSpan hold, long baseline, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.Zero };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        await StatsClient.WaitForIdleAsync(http, TimeSpan.FromSeconds(30), cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var received = new long[count];
        var opened = 0;
        var clock = Stopwatch.StartNew();
        var readers = Enumerable.Range(0, count).Select(i => ReadAsync(http, i, received, () => Interlocked.Increment(ref opened), stop.Token)).ToList();
        while (Volatile.Read(ref opened) < count && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100, cancellationToken);
        }

        await Task.Delay(hold, cancellationToken);
        var during = process.ResidentKilobytes();
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        var starved = received.Count(r => r < hold.TotalSeconds * 0.8);
        var perStream = (during - baseline) / (double)count;
        var ok = starved == 0 && Volatile.Read(ref opened) == count;
        // The memory target is set for 10,000 streams; smaller rounds are judged only on every stream receiving,
        // since a few megabytes of runtime growth spread over 100 streams says little about a stream's cost.
        var judgedOnMemory = count >= MemoryTargetStreams;
        return new("fanout", $"{count:N0} idle streams held {hold.TotalSeconds:0} s",
            $"{perStream:0.0} KB/stream (RSS {baseline / 1024} MB idle → {during / 1024} MB); {Volatile.Read(ref opened):N0} opened, {starved} starved",
            judgedOnMemory ? "≤ 25 KB/stream, all receiving" : "all receiving",
            ok && (!judgedOnMemory || perStream <= 25));
    }

    private static async Task ReadAsync(HttpClient http, int index, long[] received, Action opened, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/api/stream?feeds=counter&rate=1", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            opened();
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[512];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received[index] += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The hold is over.
        }
        catch (HttpRequestException)
        {
            // Counted as starved: it never received its items.
        }
    }
}
