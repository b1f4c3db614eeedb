using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tributary.Load;

/// <summary>
/// The message-system kinds end to end, against real brokers on loopback (bench/brokers.sh starts them). Ingest: for
/// each kind and engine, one instance with 100 readers of the feed while a publisher sends as fast as the broker
/// confirms; the figure is what the slowest reader received per second. Failover: two instances on PostgreSQL, a
/// publisher at about 500 messages/s, the producing instance killed (SIGKILL); the figure is the time from the kill to
/// the first item the other instance produced reaching a reader there.
/// </summary>
internal static class BrokerMode
{
    private const int Readers = 100;
    private const int FailoverRounds = 3;

    public static async Task<List<LoadResult>> RunAsync(string binary, string postgres, BrokerPorts ports, TimeSpan hold, CancellationToken cancellationToken)
    {
        var results = new List<LoadResult>();
        var run = 0;
        foreach (var (engine, engineSettings) in Engines(postgres))
        {
            foreach (var open in Sources(ports))
            {
                await using var source = await open($"load{run++}");
                var settings = engineSettings(run).Concat(source.Settings(70, "load")).ToArray();
                results.Add(await IngestAsync(binary, engine, source, settings, hold, cancellationToken));
            }
        }

        foreach (var open in Sources(ports))
        {
            await using var source = await open($"fail{run++}");
            string[] settings = [.. Engines(postgres)[1].Settings(run), .. source.Settings(70, "load")];
            results.Add(await FailoverAsync(binary, source, settings, cancellationToken));
        }

        return results;
    }

    private static List<(string Name, Func<int, string[]> Settings)> Engines(string postgres) =>
    [
        ("memory", _ => Common),
        ("PostgreSQL", run => [.. Common, "--Sharing:Engine=Postgres", $"--ConnectionStrings:Tributary={postgres}", $"--Sharing:Postgres:Schema=brokers{run}"]),
    ];

    private static readonly string[] Common =
        ["--Logging:LogLevel:Default=Warning", "--Streaming:MaxStreamsPerClient=1000", "--Feeds:70:SubscriberBuffer=65536", "--Feeds:70:Linger=00:00:00"];

    private static List<Func<string, Task<BrokerSource>>> Sources(BrokerPorts ports) =>
    [
        name => BrokerSource.JetStreamAsync($"nats://127.0.0.1:{ports.Nats}", name.ToUpperInvariant()),
        name => BrokerSource.CoreNatsAsync($"nats://127.0.0.1:{ports.Nats}", name),
        name => BrokerSource.MqttAsync("127.0.0.1", ports.Mqtt, name, qos: 1),
        name => BrokerSource.MqttAsync("127.0.0.1", ports.Mqtt, name, qos: 0),
        name => BrokerSource.RedisStreamAsync("127.0.0.1", ports.Redis, name),
        name => BrokerSource.RedisChannelAsync("127.0.0.1", ports.Redis, name),
    ];

    private static async Task<LoadResult> IngestAsync(string binary, string engine, BrokerSource source, string[] settings, TimeSpan hold, CancellationToken cancellationToken)
    {
        using var instance = new EngineInstance(binary, 5092, settings);
        await instance.StartAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = Enumerable.Range(0, Readers).Select(_ => new FeedReader()).ToList();
        var reading = readers.Select(r => r.RunAsync(instance.Url, stop.Token)).ToList();
        await Task.WhenAll(readers.Select(r => r.Connected));

        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(hold.TotalSeconds * Stopwatch.Frequency);
        var published = await PublishUntilAsync(source, deadline, cancellationToken);
        // Readers count what arrived within the hold; a feed that lags shows as fewer items, not a longer run.
        await stop.CancelAsync();
        await Task.WhenAll(reading);
        var slowest = readers.Min(r => r.ItemsBefore(deadline)) / hold.TotalSeconds;
        var median = readers.Select(r => r.ItemsBefore(deadline)).Order().ElementAt(Readers / 2) / hold.TotalSeconds;
        return new("brokers", $"{source.Name}, {engine} engine, {Readers} readers: slowest / median reader items/s (published/s)",
            $"{slowest.ToString("N0", CultureInfo.InvariantCulture)} / {median.ToString("N0", CultureInfo.InvariantCulture)} ({(published / hold.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture)})", "–", null);
    }

    private static async Task<long> PublishUntilAsync(BrokerSource source, long deadline, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(BrokerSource.Window);
        var inFlight = new List<Task>();
        long n = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await window.WaitAsync(cancellationToken);
            var json = $$"""{"n":{{++n}}}""";
            inFlight.Add(source.PublishAsync(json).ContinueWith(_ => window.Release(), TaskScheduler.Default));
            if (inFlight.Count > 4 * BrokerSource.Window)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight);
        return n;
    }

    private static async Task<LoadResult> FailoverAsync(string binary, BrokerSource source, string[] settings, CancellationToken cancellationToken)
    {
        using var a = new EngineInstance(binary, 5093, settings);
        using var b = new EngineInstance(binary, 5094, settings);
        await a.StartAsync(cancellationToken);
        await b.StartAsync(cancellationToken);
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publisher = PublishPacedAsync(source, publishing.Token);
        var times = new List<double>();
        for (var round = 0; round < FailoverRounds; round++)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var (readerA, readerB) = (new FeedReader(), new FeedReader());
            var readingA = readerA.RunAsync(a.Url, stop.Token);
            var readingB = readerB.RunAsync(b.Url, stop.Token);
            await Task.Delay(1500, cancellationToken);
            var (producer, survivor) = await ProducesAsync(a.Url, cancellationToken) ? (a, readerB) : (b, readerA);
            var killedWall = DateTimeOffset.UtcNow;
            var killedAt = Stopwatch.GetTimestamp();
            producer.Kill();
            var first = await survivor.FirstProducedAfterAsync(killedWall, cancellationToken);
            times.Add(Stopwatch.GetElapsedTime(killedAt, first).TotalMilliseconds);
            await stop.CancelAsync();
            await Task.WhenAll(readingA, readingB);
            await producer.StartAsync(cancellationToken);
        }

        await publishing.CancelAsync();
        await publisher;
        times.Sort();
        return new("brokers", $"{source.Name}, PostgreSQL engine: SIGKILL of the producing instance → first item it did not produce on the other, median / worst of {FailoverRounds}",
            $"{times[times.Count / 2]:F0} ms / {times[^1]:F0} ms", "–", null);
    }

    private static async Task PublishPacedAsync(BrokerSource source, CancellationToken cancellationToken)
    {
        for (var n = 1L; !cancellationToken.IsCancellationRequested; n++)
        {
            await source.PublishAsync($$"""{"n":{{n}}}""");
            try
            {
                await Task.Delay(2, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<bool> ProducesAsync(Uri instance, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri(instance, "/api/stats"), cancellationToken));
        return stats.RootElement.GetProperty("feeds").GetProperty("load").GetProperty("producer").GetBoolean();
    }

    // One reader of the feed: when it was told the feed is connected, and when each data item arrived with the time its
    // producer took it from the source (the record's ts).
    private sealed class FeedReader
    {
        private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private readonly List<(long At, DateTimeOffset Ts)> _items = [];

        public Task Connected => _connected.Task;

        public async Task RunAsync(Uri instance, CancellationToken stop)
        {
            using var http = new HttpClient { BaseAddress = instance, Timeout = Timeout.InfiniteTimeSpan };
            try
            {
                using var response = await http.GetAsync("/api/stream?feeds=load", HttpCompletionOption.ResponseHeadersRead, stop);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop), Encoding.UTF8);
                while (await reader.ReadLineAsync(stop) is { } line)
                {
                    if (line.Contains("\"status\":\"connected\"", StringComparison.Ordinal))
                    {
                        _connected.TrySetResult();
                    }
                    else if (line.Contains("\"data\":{\"n\":", StringComparison.Ordinal))
                    {
                        var at = line.IndexOf("\"ts\":\"", StringComparison.Ordinal) + 6;
                        var ts = DateTimeOffset.Parse(line.AsSpan(at, line.IndexOf('"', at) - at), CultureInfo.InvariantCulture);
                        lock (_gate)
                        {
                            _items.Add((Stopwatch.GetTimestamp(), ts));
                        }
                    }
                }
            }
            catch (Exception failure) when (failure is OperationCanceledException or HttpRequestException or IOException)
            {
                // Stopped, or the instance was killed.
            }
        }

        public long ItemsBefore(long deadline)
        {
            lock (_gate)
            {
                return _items.Count(i => i.At <= deadline);
            }
        }

        public async Task<long> FirstProducedAfterAsync(DateTimeOffset killed, CancellationToken cancellationToken)
        {
            for (var i = 0; i < 600; i++)
            {
                lock (_gate)
                {
                    if (_items.FirstOrDefault(x => x.Ts > killed) is { At: > 0 } first)
                    {
                        return first.At;
                    }
                }

                await Task.Delay(5, cancellationToken);
            }

            throw new TimeoutException("No item from the new producer within 3 s of the kill.");
        }
    }
}
