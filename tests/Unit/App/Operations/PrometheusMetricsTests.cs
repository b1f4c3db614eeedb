using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Operations;

/// <summary>GET /metrics: OpenTelemetry's Prometheus exporter over the app's meters, read as Prometheus would.</summary>
public sealed partial class PrometheusMetricsTests
{
    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_agree_with_api_stats()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), cancellationToken: token);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        await StreamAsync(client, app, 40, token);

        using var metrics = await client.GetAsync(new Uri("/metrics", UriKind.Relative), token);
        var families = Parse(await metrics.Content.ReadAsStringAsync(token));
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats", token);

        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.Contains(metrics.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        Assert.Equal("no-store", metrics.Headers.CacheControl?.ToString());
        Assert.Equal("counter", families["tributary_items_delivered_total"].Type);
        Assert.Equal("gauge", families["tributary_streams_active"].Type);
        Assert.Equal("histogram", families["tributary_stream_time_to_first_item_seconds"].Type);
        var stream = stats.GetProperty("endpoints").GetProperty("/api/stream");
        Assert.Equal(40, Sample(families, "tributary_items_delivered_total", ("endpoint", "/api/stream")));
        Assert.Equal(stream.GetProperty("bytesWritten").GetInt64(), Sample(families, "tributary_written_bytes_total", ("endpoint", "/api/stream")));
        Assert.Equal(0, Sample(families, "tributary_streams_active", ("endpoint", "/api/stream")));
        Assert.Equal(stats.GetProperty("activeProducers").GetInt64(), Sample(families, "tributary_producers_active"));

        // A histogram's buckets only grow, and +Inf holds every observation.
        var firstItem = "tributary_stream_time_to_first_item_seconds";
        var buckets = families[firstItem].Samples.Where(s => s.Name == firstItem + "_bucket" && s.Labels["endpoint"] == "/api/stream")
            .OrderBy(s => s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture))
            .Select(s => s.Value).ToList();
        Assert.Equal(buckets.Order(), buckets);
        Assert.Equal(1, Sample(families, firstItem + "_count", ("endpoint", "/api/stream")));
        Assert.Equal(1, Sample(families, firstItem + "_bucket", ("endpoint", "/api/stream"), ("le", "+Inf")));
        Assert.True(Sample(families, firstItem + "_sum", ("endpoint", "/api/stream")) > 0);
    }

    [Fact]
    public async Task The_frameworks_own_metrics_are_served_beside_the_apps()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), cancellationToken: token);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        await StreamAsync(client, app, 5, token);

        var families = Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), token));

        Assert.Equal("histogram", families["http_server_request_duration_seconds"].Type);
        Assert.Contains(families["http_server_request_duration_seconds"].Samples, s => s.Labels.GetValueOrDefault("http_route") == "/api/stream");
        Assert.Equal("gauge", families["kestrel_active_connections"].Type);
        Assert.True(Sample(families, "dotnet_gc_heap_total_allocated_bytes_total") > 0);
        Assert.Equal("Tributary", families["tributary_producers_active"].Samples.Single().Labels["otel_scope_name"]);
        // Kestrel's memory pool records on every buffer rented for a write: left out, for the cost per send.
        Assert.DoesNotContain(families.Keys, name => name.StartsWith("aspnetcore_memory_pool", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_apps_in_one_process_each_serve_only_their_own_measurements()
    {
        // Meters are found by name in the whole process: without care, each app would add the other's counts to its own.
        var token = TestTimeouts.TestToken();
        await using var first = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), cancellationToken: token);
        await using var second = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), cancellationToken: token);
        using var firstClient = new HttpClient { BaseAddress = first.BaseAddress };
        using var secondClient = new HttpClient { BaseAddress = second.BaseAddress };

        await StreamAsync(firstClient, first, 12, token);
        await StreamAsync(secondClient, second, 7, token);
        var firstFamilies = Parse(await firstClient.GetStringAsync(new Uri("/metrics", UriKind.Relative), token));
        var secondFamilies = Parse(await secondClient.GetStringAsync(new Uri("/metrics", UriKind.Relative), token));

        Assert.Equal(12, Sample(firstFamilies, "tributary_items_delivered_total", ("endpoint", "/api/stream")));
        Assert.Equal(7, Sample(secondFamilies, "tributary_items_delivered_total", ("endpoint", "/api/stream")));
        Assert.Equal(1, Sample(firstFamilies, "tributary_stream_time_to_first_item_seconds_count", ("endpoint", "/api/stream")));
        Assert.Equal(1, Sample(secondFamilies, "tributary_stream_time_to_first_item_seconds_count", ("endpoint", "/api/stream")));
    }

    [Fact]
    public async Task Metrics_need_the_stats_permission_when_keys_are_required_and_take_only_GET()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await SecuredApp.StartAsync();

        using var anonymous = await app.Client().GetAsync(new Uri("/metrics", UriKind.Relative), token);
        using var withoutStats = await app.Client(app.NewsKey).GetAsync(new Uri("/metrics", UriKind.Relative), token);
        using var withStats = await app.Client(app.AllKey).GetAsync(new Uri("/metrics", UriKind.Relative), token);
        using var post = await app.Client(app.AllKey).PostAsync(new Uri("/metrics", UriKind.Relative), null, token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, withoutStats.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withStats.StatusCode);
        Assert.Contains("tributary_producers_active", Parse(await withStats.Content.ReadAsStringAsync(token)).Keys);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    private static async Task StreamAsync(HttpClient client, LoopbackApp app, int items, CancellationToken cancellationToken)
    {
        using (var response = await client.OpenStreamAsync($"/api/stream?feeds=fast&limit={items}", cancellationToken))
        {
            await response.Content.ReadAsStringAsync(cancellationToken);
        }

        await app.Services.GetRequiredService<StreamStats>().ActiveStreams.WaitForAsync(0, cancellationToken);
    }

    /// <summary>The one sample of a family's series whose labels include these (the scope label aside).</summary>
    private static double Sample(Dictionary<string, Family> families, string name, params (string Name, string Value)[] labels)
    {
        var family = families.Values.Single(f => f.Samples.Any(s => s.Name == name));
        return Assert.Single(family.Samples, s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value)).Value;
    }

    /// <summary>
    /// Parses the text format strictly: every line is a HELP or TYPE comment or a sample; a family's TYPE comes before its
    /// samples; a sample belongs to the family declared last (histograms add _bucket, _sum and _count); no series twice.
    /// </summary>
    private static Dictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        string? current = null;
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            if (TypeLine().Match(line) is { Success: true } type)
            {
                current = type.Groups["name"].Value;
                Assert.DoesNotContain(current, families.Keys);
                families[current] = new Family(type.Groups["type"].Value, []);
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"Not a sample line: '{line}'");
            Assert.NotNull(current);
            var name = sample.Groups["name"].Value;
            var family = families[current];
            var allowed = family.Type == "histogram" ? new[] { current + "_bucket", current + "_sum", current + "_count" } : [current];
            Assert.Contains(name, allowed);
            var labels = LabelPair().Matches(sample.Groups["labels"].Value).ToDictionary(m => m.Groups["name"].Value, m => Regex.Unescape(m.Groups["value"].Value), StringComparer.Ordinal);
            Assert.DoesNotContain(family.Samples, s => s.Name == name && s.Labels.Count == labels.Count && !s.Labels.Except(labels).Any());
            var value = sample.Groups["value"].Value;
            family.Samples.Add(new Series(name, labels, value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture)));
        }

        return families;
    }

    private sealed record Family(string Type, List<Series> Samples);

    private sealed record Series(string Name, Dictionary<string, string> Labels, double Value);

    [GeneratedRegex("^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\")*\\})? (?<value>[-+]?(?:[0-9.eE+-]+|Inf|NaN))(?: [0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex("(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();
}
