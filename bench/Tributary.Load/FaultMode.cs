using System.Globalization;
using System.Text;

namespace Tributary.Load;

/// <summary>
/// Runs each hostile-upstream fault against the app for a fixed time with one reader: RSS must stay within 50 MB
/// of its baseline, upstream attempts within what the backoff schedule allows, and no credential may reach
/// the stream or the feed's history (its export).
/// </summary>
internal static class FaultMode
{
    public const string Secret = "hunter2";
    public const string QuerySecret = "topsecret";

    private const long RssBudgetKilobytes = 50 * 1024;

    // The feeds bench/faults.sh configures, with the upstream path each reads.
    private static readonly (string Feed, string Path, string What)[] Faults =
    [
        ("fault-noline", "/noline", "ndjson line with no newline at 2 MB/s"),
        ("fault-sse-noline", "/sse-noline", "sse data line with no newline at 2 MB/s"),
        ("fault-retry0", "/retry0", "sse `retry: 0`, then close"),
        ("fault-redirect", "/redirect", "302 to another URL"),
        ("fault-secret", "/secret", "credentials in the URL, upstream closes after each line"),
        ("fault-silent", "/silent", "headers, then silence (IdleTimeout 5 s)"),
    ];

    public static async Task<IReadOnlyList<LoadResult>> RunAsync(Uri server, ServerProcess process, int upstreamPort, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var upstream = await FaultUpstream.StartAsync(upstreamPort);
        using var http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        var results = new List<LoadResult>();
        foreach (var (feed, path, what) in Faults)
        {
            Console.Error.WriteLine($"  fault {feed}: {what}…");
            results.AddRange(await RunFaultAsync(http, process, upstream, feed, path, what, duration, cancellationToken));
        }

        return results;
    }

    private static async Task<IEnumerable<LoadResult>> RunFaultAsync(
        HttpClient http,
        ServerProcess process,
        FaultUpstream upstream,
        string feed,
        string path,
        string what,
        TimeSpan duration,
        CancellationToken cancellationToken)
    {
        GC.Collect();
        var baseline = process.ResidentKilobytes();
        var peak = baseline;
        var seen = new StringBuilder();
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(duration);
        var reading = ReadAsync(http, $"/api/stream?feeds={feed}", seen, window.Token);
        while (!window.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
            peak = Math.Max(peak, process.ResidentKilobytes());
        }

        await reading;
        var attempts = upstream.ConnectionsTo(path);
        var history = await http.GetStringAsync(new Uri($"/api/export/{feed}.ndjson", UriKind.Relative), cancellationToken);
        var all = seen + history;
        var leaks = new[] { Secret, QuerySecret, "redirect target" }.Where(s => all.Contains(s, StringComparison.Ordinal)).ToList();
        var allowed = BackoffSchedule.MostAttempts(duration, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));
        var growth = peak - baseline;
        var mode = $"fault: {what}";
        return
        [
            new LoadResult(mode, "RSS growth (peak − baseline)", $"{growth / 1024.0:0.0} MB ({baseline / 1024.0:0} → {peak / 1024.0:0} MB)", "≤ 50 MB", growth <= RssBudgetKilobytes),
            new LoadResult(mode, $"upstream attempts in {duration.TotalSeconds:0} s", attempts.ToString(CultureInfo.InvariantCulture), $"≤ {allowed} (backoff schedule)", attempts <= allowed),
            new LoadResult(mode, "credentials or redirect content in stream/history", leaks.Count == 0 ? "none" : string.Join(", ", leaks), "none", leaks.Count == 0),
            new LoadResult(mode, "status records received", CountStatuses(seen.ToString()), "–", null),
        ];
    }

    private static async Task ReadAsync(HttpClient http, string url, StringBuilder seen, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                seen.AppendLine(line);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The fault's time is up.
        }
    }

    private static string CountStatuses(string stream)
    {
        var counts = stream.Split('\n')
            .Select(line => line.IndexOf("\"status\":\"", StringComparison.Ordinal) is var at and >= 0 ? line[(at + 10)..].Split('"')[0] : null)
            .OfType<string>()
            .GroupBy(s => s)
            .Select(g => $"{g.Key} {g.Count()}");
        return string.Join(", ", counts);
    }
}
