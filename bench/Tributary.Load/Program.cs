using System.Globalization;
using System.Text;
using Tributary.Load;

// Drives a running Tributary on loopback and prints a markdown table. Every mode is bounded in count and time.
//   Tributary.Load --url http://127.0.0.1:5080 --pid 1234 [--modes throughput,fanout,cancel,dashboard] [--out table.md]
//   Tributary.Load ... --modes broadcast --broadcast http:1000x1000,hub:100x1000 (readers x items/s of feed shared<rate>)
//   Tributary.Load ... --modes reference,fairness --reference-url http://127.0.0.1:5079 [--node-url http://127.0.0.1:5078] (bench/Tributary.Reference, bench/reference-node)
//   Tributary.Load --url http://127.0.0.1:5080 --pid 1234 --modes faults --upstream-port 5081 (see bench/faults.sh)
//   Tributary.Load --modes engine --app-binary PATH --postgres "Host=127.0.0.1;..." (starts two instances; see bench/engine.sh)
//   Tributary.Load --modes publish,mercure --app-binary PATH --postgres "Host=127.0.0.1;..." (one instance per engine; see bench/publish.sh)
//   Tributary.Load --modes brokers --app-binary PATH --postgres "..." --brokers NATS,MQTT,REDIS (ports; see bench/brokers.sh)
var options = Args.Parse(args);
if (!options.Url.IsLoopback)
{
    Console.Error.WriteLine($"Refusing {options.Url}: load is only sent to 127.0.0.1 or ::1.");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
using var http = new HttpClient { BaseAddress = options.Url, Timeout = Timeout.InfiniteTimeSpan };
var process = new ServerProcess(options.Pid);
var results = new List<LoadResult>();
foreach (var mode in options.Modes)
{
    Console.Error.WriteLine($"running {mode}…");
    results.AddRange(mode switch
    {
        "throughput" => await ThroughputMode.RunAsync(http, perFeed: 250_000, timeout.Token),
        "fanout" => await FanoutMode.RunAsync(options.Url, process, options.FanoutCounts, TimeSpan.FromSeconds(10), timeout.Token),
        "cancel" => await CancelMode.RunAsync(options.Url, cycles: 200, timeout.Token),
        "dashboard" => await DashboardMode.RunAsync(options.Url, process, pages: 10, TimeSpan.FromSeconds(10), options.Chromium, timeout.Token),
        "broadcast" => await BroadcastMode.RunAsync(options.Url, process, options.Broadcast, TimeSpan.FromSeconds(10), timeout.Token),
        "reference" => await RunReferenceAsync(options, http, timeout.Token),
        "fairness" => await FairnessMode.RunAsync(options.Url, timeout.Token),
        "faults" => await FaultMode.RunAsync(options.Url, process, options.UpstreamPort, TimeSpan.FromSeconds(40), timeout.Token),
        "engine" => await EngineMode.RunAsync(options.AppBinary, options.Postgres, TimeSpan.FromSeconds(10), timeout.Token),
        "publish" => await PublishMode.RunAsync(options.AppBinary, options.Postgres, TimeSpan.FromSeconds(10), timeout.Token),
        "mercure" => await MercureMode.RunAsync(options.AppBinary, options.Postgres, TimeSpan.FromSeconds(10), timeout.Token),
        "brokers" => await BrokerMode.RunAsync(options.AppBinary, options.Postgres, options.Brokers, TimeSpan.FromSeconds(5), timeout.Token),
        _ => throw new ArgumentException($"Unknown mode '{mode}'."),
    });
}

var table = new StringBuilder()
    .AppendLine("| mode | measure | figure | target | met |")
    .AppendLine("|---|---|---|---|---|");
foreach (var r in results)
{
    table.AppendLine(CultureInfo.InvariantCulture, $"| {r.Mode} | {r.Measure} | {r.Figure} | {r.Target} | {(r.Met switch { true => "yes", false => "**no**", _ => "–" })} |");
}

Console.Write(table);
if (options.Out is { } path)
{
    await File.WriteAllTextAsync(path, table.ToString());
}

return 0;

static async Task<List<LoadResult>> RunReferenceAsync(Args options, HttpClient app, CancellationToken cancellationToken)
{
    if (!options.ReferenceUrl.IsLoopback)
    {
        throw new ArgumentException($"Refusing {options.ReferenceUrl}: load is only sent to 127.0.0.1 or ::1.");
    }

    List<ReferenceServer> servers = [new("Tributary", app.BaseAddress!), new("Kestrel", options.ReferenceUrl)];
    if (options.NodeUrl is { } node)
    {
        if (!node.IsLoopback)
        {
            throw new ArgumentException($"Refusing {node}: load is only sent to 127.0.0.1 or ::1.");
        }

        servers.Add(new("Node", node));
    }

    return await ReferenceMode.RunAsync(servers, perFeed: 250_000, cancellationToken);
}

internal sealed record Args(Uri Url, int Pid, IReadOnlyList<string> Modes, IReadOnlyList<int> FanoutCounts, IReadOnlyList<BroadcastRound> Broadcast, Uri ReferenceUrl, Uri? NodeUrl, string Chromium, int UpstreamPort, string AppBinary, string Postgres, BrokerPorts Brokers, string? Out)
{
    public static Args Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new Args(
            new Uri(Value("--url", "http://127.0.0.1:5080")),
            int.Parse(Value("--pid", "0"), CultureInfo.InvariantCulture),
            Value("--modes", "throughput,fanout,cancel,dashboard").Split(','),
            [.. Value("--fanout", "100,1000,5000,10000").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))],
            BroadcastRound.Parse(Value("--broadcast", "http:100x1000,http:1000x1000,http:2000x1000,http:10000x100,hub:100x1000,hub:1000x100")),
            new Uri(Value("--reference-url", "http://127.0.0.1:5079")),
            args.Contains("--node-url") ? new Uri(Value("--node-url", "")) : null,
            Value("--chromium", "/usr/bin/chromium"),
            int.Parse(Value("--upstream-port", "5081"), CultureInfo.InvariantCulture),
            Value("--app-binary", ""),
            Value("--postgres", ""),
            Ports(Value("--brokers", "4222,1883,6379")),
            args.Contains("--out") ? Value("--out", "") : null);
    }

    private static BrokerPorts Ports(string list)
    {
        var ports = list.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new BrokerPorts(ports[0], ports[1], ports[2]);
    }
}
