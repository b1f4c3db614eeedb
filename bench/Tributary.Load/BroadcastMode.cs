using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Tributary.App.Dashboard.Client;
using Tributary.App.Hubs;
using Tributary.App.Security;

namespace Tributary.Load;

/// <summary>
/// One shared feed at a fixed rate, watched by N readers at once (over <c>/api/stream</c>, or the hub): each
/// reader counts its items and the ones it missed, and the latency from the record's <c>ts</c> (when the
/// feed published it) to its arrival. The server's CPU time per delivery and resident memory per reader are
/// read from /proc over a measured window after every reader is receiving.
/// </summary>
internal static class BroadcastMode
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<List<LoadResult>> RunAsync(Uri server, ServerProcess process, IReadOnlyList<BroadcastRound> rounds, TimeSpan window, CancellationToken cancellationToken)
    {
        var results = new List<LoadResult>();
        foreach (var round in rounds)
        {
            results.AddRange(await RunRoundAsync(server, process, round, window, cancellationToken));
        }

        return results;
    }

    private static async Task<List<LoadResult>> RunRoundAsync(Uri server, ServerProcess process, BroadcastRound round, TimeSpan window, CancellationToken cancellationToken)
    {
        // Each reader is a socket in this process and one in the server's, whose connection caps follow the same
        // open-file limit (ConnectionLimits): beyond them the round would measure refused connections, not fan-out.
        // Said as not run instead.
        if (ConnectionLimits.OpenFileLimit() is { } files && ConnectionLimits.Derive(files) is var (connections, upgraded)
            && round.Readers > (round.Hub ? upgraded : connections))
        {
            return [new("broadcast", $"{round.Transport}: {round.Readers:N0} readers × {round.Rate:N0} items/s",
                $"not run: the open-file limit here ({files:N0}, ulimit -Hn) lets the server hold {(round.Hub ? upgraded : connections):N0} such connections",
                "–", null)];
        }

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.Zero, MaxResponseDrainSize = 0 };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        await StatsClient.WaitForIdleAsync(http, TimeSpan.FromSeconds(30), cancellationToken);
        var baseline = process.ResidentKilobytes();

        var latencies = new LatencyHistogram();
        var measuring = false;
        var readers = Enumerable.Range(0, round.Readers).Select(_ => new BroadcastReader(latencies, () => Volatile.Read(ref measuring))).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = readers.Select(reader => round.Hub
            ? ReadHubAsync(server, round, reader, stop.Token)
            : ReadHttpAsync(server, round.Feed, reader, stop.Token)).ToList();

        var receiving = await WaitUntilAllReceiveAsync(readers, TimeSpan.FromSeconds(90), cancellationToken);
        await Task.Delay(Settle, cancellationToken);

        var itemsBefore = readers.Select(r => r.Items).ToArray();
        var missedBefore = readers.Sum(r => r.Missed);
        var gapsBefore = readers.Sum(r => r.GapRecords);
        var feedBefore = readers.Max(r => r.LastSequence);
        var cpuBefore = process.CpuTime();
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(window, cancellationToken);
        Volatile.Write(ref measuring, false);
        var cpu = process.CpuTime() - cpuBefore;
        var elapsed = clock.Elapsed.TotalSeconds;
        var rss = process.ResidentKilobytes();
        var feedProduced = readers.Max(r => r.LastSequence) - feedBefore;
        var perReader = readers.Select((r, i) => r.Items - itemsBefore[i]).ToArray();
        var missed = readers.Sum(r => r.Missed) - missedBefore;
        var gaps = readers.Sum(r => r.GapRecords) - gapsBefore;

        await stop.CancelAsync();
        await Task.WhenAll(tasks);

        return Judge(round, receiving, perReader, feedProduced, (missed, gaps), elapsed, cpu, baseline, rss, latencies);
    }

    private static List<LoadResult> Judge(BroadcastRound round, int receiving, long[] perReader, long feedProduced, (long Items, long Records) missed, double elapsed, TimeSpan cpu, long baseline, long rss, LatencyHistogram latencies)
    {
        var name = $"{round.Transport}: {round.Readers:N0} readers × {round.Rate:N0} items/s";
        var deliveries = perReader.Sum();
        var cpuPerDelivery = cpu.TotalMicroseconds / Math.Max(1, deliveries);
        var slowest = perReader.Min() / elapsed;
        var feedRate = feedProduced / elapsed;
        // The feed itself must keep its rate too: a producer slowed by its readers is not a full rate.
        var fullRate = receiving == round.Readers && perReader.Min() >= feedProduced * 0.98 && feedRate >= round.Rate * 0.98;
        var p50 = latencies.Percentile(0.50);
        var p99 = latencies.Percentile(0.99);
        var rssPerReader = (rss - baseline) / (double)round.Readers;
        return
        [
            new("broadcast", $"{name}: server CPU per delivery",
                $"{cpuPerDelivery:0.00} µs ({deliveries / elapsed:N0} deliveries/s at {cpu.TotalSeconds / elapsed:0.00} cores)",
                round.CpuTarget is { } cpuTarget ? $"≤ {cpuTarget:0.0} µs" : "–",
                round.CpuTarget is { } target ? cpuPerDelivery <= target : null),
            new("broadcast", $"{name}: slowest reader; missed items in the window",
                $"slowest {slowest:N0} items/s, feed {feedRate:N0} of {round.Rate:N0}; {receiving:N0} of {round.Readers:N0} receiving; {missed.Items:N0} items missed ({missed.Records:N0} gap records)",
                round.JudgeRate ? "every reader at the full rate, no gap" : "–",
                round.JudgeRate ? fullRate && missed == (0, 0) : null),
            new("broadcast", $"{name}: produce→deliver latency",
                $"p50 {p50:0.0} ms, p99 {p99:0.0} ms",
                round.LatencyTarget is { } latency ? $"p99 ≤ {latency} ms" : "–",
                round.LatencyTarget is { } limit ? p99 <= limit : null),
            new("broadcast", $"{name}: server RSS per reader",
                $"{rssPerReader:0.0} KB (RSS {baseline / 1024} → {rss / 1024} MB)",
                round.RssTarget is { } rssTarget ? $"≤ {rssTarget} KB" : "–",
                round.RssTarget is { } memory ? rssPerReader <= memory : null),
        ];
    }

    private static async Task<int> WaitUntilAllReceiveAsync(BroadcastReader[] readers, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int receiving;
        while ((receiving = readers.Count(r => r.Items > 0)) < readers.Length && clock.Elapsed < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }

        return receiving;
    }

    private static async Task ReadHttpAsync(Uri server, string feed, BroadcastReader reader, CancellationToken cancellationToken)
    {
        try
        {
            await RawStreamReader.ReadAsync(server, $"/api/stream?feeds={feed}", reader, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The round is over.
        }
        catch (Exception failure) when (failure is HttpRequestException or SocketException or IOException or InvalidDataException)
        {
            // Counted as not receiving.
        }
    }

    private static async Task ReadHubAsync(Uri server, BroadcastRound round, BroadcastReader reader, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = FeedHubConnection.Build(new Uri(server, FeedHub.Path), protocol: round.Protocol);
            await connection.StartAsync(cancellationToken);
            var items = round.Batches
                ? connection.StreamAsync<JsonElement[]>(nameof(FeedHub.StreamBatches), new[] { round.Feed }, cancellationToken).SelectMany(batch => batch.ToAsyncEnumerable())
                : connection.StreamAsync<JsonElement>(nameof(FeedHub.Stream), new[] { round.Feed }, cancellationToken);
            await foreach (var item in items)
            {
                var now = DateTime.UtcNow.Ticks;
                // Control records say what they are beside the envelope, in "type".
                if (item.TryGetProperty("type", out var type))
                {
                    if (type.ValueEquals("gap"u8))
                    {
                        reader.Gap();
                    }
                }
                else
                {
                    reader.Received(item.GetProperty("seq").GetInt64(), item.GetProperty("ts").GetDateTime().ToUniversalTime().Ticks, now);
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The round is over.
        }
        catch (HttpRequestException)
        {
            // Counted as not receiving.
        }
    }
}

/// <summary>One broadcast round: which transport, how many readers of which feed, and the targets it is judged on.</summary>
internal sealed record BroadcastRound(bool Hub, int Readers, int Rate, double? CpuTarget = null, bool JudgeRate = false, double? LatencyTarget = null, double? RssTarget = null)
{
    /// <summary>The hub protocol of a hub round: MessagePack (<c>hub:</c>, the dashboard's) or JSON (<c>hubjson:</c>).</summary>
    public FeedHubProtocol Protocol { get; init; } = FeedHubProtocol.MessagePack;

    /// <summary>A hub round read through <c>StreamBatches</c> (<c>hubbatches:</c>, MessagePack): one message per 50 ms.</summary>
    public bool Batches { get; init; }

    /// <summary>The shared counter at this rate that bench/run.sh configures.</summary>
    public string Feed => $"shared{Rate}";

    public string Transport => (Hub, Protocol) switch
    {
        (false, _) => "/api/stream",
        (true, _) when Batches => "hub batches (MessagePack)",
        (true, FeedHubProtocol.Json) => "hub (JSON)",
        _ => "hub (MessagePack)",
    };

    /// <summary>The rounds the targets are set at: 1,000 × 1,000/s, 2,000 × 1,000/s, 10,000 × 100/s and 20,000 × 1/s.</summary>
    public static IReadOnlyList<BroadcastRound> Parse(string spec) =>
        [.. spec.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseOne)];

    // http:1000x1000, hub:100x1000 (MessagePack), hubjson:100x1000 or hubbatches:100x1000
    private static BroadcastRound ParseOne(string text) =>
        ParseShape(text) with
        {
            Protocol = text.StartsWith("hubjson:", StringComparison.Ordinal) ? FeedHubProtocol.Json : FeedHubProtocol.MessagePack,
            Batches = text.StartsWith("hubbatches:", StringComparison.Ordinal),
        };

    private static BroadcastRound ParseShape(string text)
    {
        var (transport, shape) = (text[..text.IndexOf(':')], text[(text.IndexOf(':') + 1)..]);
        var readers = int.Parse(shape[..shape.IndexOf('x')], System.Globalization.CultureInfo.InvariantCulture);
        var rate = int.Parse(shape[(shape.IndexOf('x') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var hub = transport is "hub" or "hubjson" or "hubbatches";
        return (hub, readers, rate) switch
        {
            // The hub's targets: server CPU per delivery, latency and memory per reader.
            (true, 1_000, 100) => new(hub, readers, rate, CpuTarget: 3, JudgeRate: true, LatencyTarget: 50, RssTarget: 40),
            (false, 1_000, 1_000) => new(hub, readers, rate, CpuTarget: 0.6, JudgeRate: true),
            (false, 2_000, 1_000) => new(hub, readers, rate, JudgeRate: true, LatencyTarget: 50),
            (false, 10_000, 100) => new(hub, readers, rate, JudgeRate: true, LatencyTarget: 100, RssTarget: 16),
            // Wide and quiet: what each held reader costs.
            (false, 20_000, 1) => new(hub, readers, rate, RssTarget: 16),
            _ => new(hub, readers, rate),
        };
    }
}
