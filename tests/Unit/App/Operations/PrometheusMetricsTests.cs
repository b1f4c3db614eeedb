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

public sealed partial class PrometheusMetricsTests
{
    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_agree_with_api_stats()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using (var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=40", token))
        {
            await response.Content.ReadAsStringAsync(token);
        }

        await app.Services.GetRequiredService<StreamStats>().ActiveStreams.WaitForAsync(0, token);
        using var metrics = await client.GetAsync(new Uri("/metrics", UriKind.Relative), token);
        var families = Parse(await metrics.Content.ReadAsStringAsync(token));
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats", token);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
        Assert.Equal("counter", families["tributary_items_delivered_total"].Type);
        Assert.Equal("gauge", families["tributary_streams_active"].Type);
        Assert.Equal("histogram", families["tributary_stream_time_to_first_item_seconds"].Type);
        var stream = stats.GetProperty("endpoints").GetProperty("/api/stream");
        Assert.Equal(40, families["tributary_items_delivered_total"].Samples["tributary_items_delivered_total{endpoint=\"/api/stream\"}"]);
        Assert.Equal(stream.GetProperty("bytesWritten").GetInt64(), families["tributary_bytes_written_total"].Samples["tributary_bytes_written_total{endpoint=\"/api/stream\"}"]);
        Assert.Equal(0, families["tributary_streams_active"].Samples["tributary_streams_active{endpoint=\"/api/stream\"}"]);
        Assert.Equal(stats.GetProperty("activeProducers").GetInt64(), families["tributary_producers_active"].Samples["tributary_producers_active"]);

        // A histogram's buckets only grow, and +Inf holds every observation.
        var firstItem = families["tributary_stream_time_to_first_item_seconds"].Samples;
        var buckets = firstItem.Where(s => s.Key.StartsWith("tributary_stream_time_to_first_item_seconds_bucket{endpoint=\"/api/stream\"", StringComparison.Ordinal)).Select(s => s.Value).ToList();
        Assert.Equal(buckets.Order(), buckets);
        Assert.Equal(1, firstItem["tributary_stream_time_to_first_item_seconds_count{endpoint=\"/api/stream\"}"]);
        Assert.Equal(1, firstItem["tributary_stream_time_to_first_item_seconds_bucket{endpoint=\"/api/stream\",le=\"+Inf\"}"]);
        Assert.True(firstItem["tributary_stream_time_to_first_item_seconds_sum{endpoint=\"/api/stream\"}"] > 0);
    }

    [Fact]
    public async Task Metrics_need_the_stats_permission_when_keys_are_required()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await SecuredApp.StartAsync();

        using var anonymous = await app.Client().GetAsync(new Uri("/metrics", UriKind.Relative), token);
        using var withoutStats = await app.Client(app.NewsKey).GetAsync(new Uri("/metrics", UriKind.Relative), token);
        using var withStats = await app.Client(app.AllKey).GetAsync(new Uri("/metrics", UriKind.Relative), token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withoutStats.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withStats.StatusCode);
        Assert.Contains("tributary_producers_active", Parse(await withStats.Content.ReadAsStringAsync(token)).Keys);
    }

    /// <summary>
    /// Parses the text format strictly: every line is a HELP or TYPE comment or a sample; a family's TYPE comes before its
    /// samples; a sample belongs to the family declared last (histograms add _bucket, _sum and _count).
    /// </summary>
    private static Dictionary<string, (string Type, Dictionary<string, double> Samples)> Parse(string text)
    {
        var families = new Dictionary<string, (string Type, Dictionary<string, double> Samples)>(StringComparer.Ordinal);
        string? current = null;
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            if (TypeLine().Match(line) is { Success: true } type)
            {
                current = type.Groups["name"].Value;
                Assert.DoesNotContain(current, families.Keys);
                families[current] = (type.Groups["type"].Value, new Dictionary<string, double>(StringComparer.Ordinal));
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"Not a sample line: '{line}'");
            Assert.NotNull(current);
            var name = sample.Groups["name"].Value;
            var family = families[current];
            var allowed = family.Type == "histogram" ? new[] { current + "_bucket", current + "_sum", current + "_count" } : [current];
            Assert.Contains(name, allowed);
            var value = sample.Groups["value"].Value;
            family.Samples[name + sample.Groups["labels"].Value] = value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
        }

        return families;
    }

    [GeneratedRegex("^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\")*\\})? (?<value>[-+]?(?:[0-9.eE+-]+|Inf|NaN))$")]
    private static partial Regex SampleLine();
}
