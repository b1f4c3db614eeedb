using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tributary.Load;

/// <summary>
/// The two measurements of publishing, whatever the protocol: accepted publishes per second from concurrent
/// publishers, and publish→deliver latency to many readers of a stream while one publisher sends at a steady rate
/// (each item carries the sender's Stopwatch timestamp as <c>"sent"</c>, so both ends use one clock).
/// </summary>
internal static class PublishLoad
{
    /// <summary>Items accepted per second by <paramref name="publishers"/> publishers, each on its own connection, for <paramref name="hold"/>.</summary>
    public static async Task<double> RateAsync(Func<HttpClient> connect, Func<HttpClient, CancellationToken, Task<HttpResponseMessage>> publish, int publishers, int itemsPerPublish, TimeSpan hold, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(hold);
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, publishers).Select(async _ =>
        {
            using var http = connect();
            long accepted = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var response = await publish(http, stop.Token);
                    response.EnsureSuccessStatusCode();
                    accepted += itemsPerPublish;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            return accepted;
        }));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Publish→deliver latency, p50 and p99 over every reader's items, while <paramref name="publish"/> sends
    /// <paramref name="rate"/> items a second for <paramref name="hold"/>; and how many readers got them all.
    /// </summary>
    public static async Task<(double P50, double P99, string Delivered)> LatencyAsync(Uri url, string readPath, int readers, Func<HttpClient> connect, Func<HttpClient, long, CancellationToken, Task<HttpResponseMessage>> publish, int rate, TimeSpan hold, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Enumerable.Range(0, readers).Select(_ => ReadAsync(url, readPath, stop.Token)).ToList();
        // Every reader joined before the first measured publish.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        using var http = connect();
        var count = (int)(hold.TotalSeconds * rate);
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Yield();
            }

            using var response = await publish(http, Stopwatch.GetTimestamp(), cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await stop.CancelAsync();
        var seen = await Task.WhenAll(reading);
        var latencies = seen.SelectMany(s => s).Order().ToList();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Count - 1, q * latencies.Count)];
        var complete = seen.Count(s => s.Count == count);
        return (P(0.50), P(0.99), $"{complete} of {readers} got all {count}");
    }

    // Any line carrying "sent": an NDJSON record or an SSE data line.
    private static async Task<List<double>> ReadAsync(Uri url, string path, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        var latencies = new List<double>();
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, stop);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop), Encoding.UTF8);
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                var now = Stopwatch.GetTimestamp();
                var at = line.IndexOf("\"sent\":", StringComparison.Ordinal);
                if (at >= 0 && long.TryParse(line.AsSpan(at + 7, line.IndexOf('}', at) - at - 7), CultureInfo.InvariantCulture, out var sent))
                {
                    latencies.Add((now - sent) * 1000.0 / Stopwatch.Frequency);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return latencies;
    }
}
