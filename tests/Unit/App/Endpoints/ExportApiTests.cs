using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

public sealed class ExportApiTests(SharingFixture fixture) : IClassFixture<SharingFixture>
{
    [Fact]
    public async Task A_csv_export_streams_the_history_with_a_header_row_and_proper_quoting_as_an_attachment()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        using (var warmUp = await client.OpenStreamAsync("/api/stream?feeds=headlines&limit=10", token))
        {
            await warmUp.Content.ReadAsStringAsync(token);
        }

        using var response = await client.GetAsync(new Uri("/api/export/headlines.csv", UriKind.Relative), token);
        var lines = (await response.Content.ReadAsStringAsync(token)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("headlines-", response.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        Assert.Equal("feed,seq,ts,headline,category", lines[0]);
        Assert.True(lines.Length >= 11);
        Assert.Contains(lines, l => l.EndsWith(",\"Rain, then sun\",general", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(",\"He said \"\"hi\"\"\",general", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_csv_export_of_an_upstream_feed_takes_its_columns_from_data_and_leaves_status_records_out()
    {
        // The feed's history starts with a "connected" status record, then the upstream's data.
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        using (var warmUp = await client.OpenStreamAsync("/api/stream?feeds=wsfeed&limit=4", token))
        {
            await warmUp.Content.ReadAsStringAsync(token);
        }

        var csv = await client.GetStringAsync(new Uri("/api/export/wsfeed.csv", UriKind.Relative), token);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("feed,seq,ts,tick", lines[0]);
        Assert.True(lines.Length >= 4, csv);
        Assert.All(lines.Skip(1), line => Assert.Matches(@"^wsfeed,\d+,[^,]+,\d+$", line));
    }

    [Fact]
    public async Task A_live_ndjson_export_of_a_counter_streams_exactly_count_items()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var response = await client.GetAsync(new Uri("/api/export/counter.ndjson?live=true&rate=0&count=1000", UriKind.Relative), token);
        var lines = (await response.Content.ReadAsStringAsync(token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1000, lines.Length);
        Assert.Equal(1000, JsonDocument.Parse(lines[^1]).RootElement.GetProperty("data").GetProperty("value").GetInt64());
    }

    [Theory]
    [InlineData("/api/export/counter.csv", HttpStatusCode.BadRequest, "keeps no history to export; ask for live=true")]
    [InlineData("/api/export/nope.csv", HttpStatusCode.NotFound, "Unknown feed 'nope'.")]
    [InlineData("/api/export/ticks.xml", HttpStatusCode.NotFound, "is not a feed name ending in .csv or .ndjson")]
    [InlineData("/api/export/news.csv?live=true&rate=5", HttpStatusCode.BadRequest, "rate and count apply only to counter feeds")]
    public async Task Bad_export_requests_get_problem_json(string url, HttpStatusCode status, string detail)
    {
        using var client = fixture.NewClient();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), TestTimeouts.TestToken());

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_is_served_with_ETag_Last_Modified_and_ranges()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var whole = await client.GetAsync(new Uri("/api/files/report.txt", UriKind.Relative), token);
        using var range = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/files/report.txt", UriKind.Relative));
        range.Headers.Range = new RangeHeaderValue(4, 7);
        using var partial = await client.SendAsync(range, token);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/files/report.txt", UriKind.Relative));
        conditional.Headers.IfNoneMatch.Add(whole.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional, token);

        Assert.Equal("0123456789abcdef", await whole.Content.ReadAsStringAsync(token));
        Assert.NotNull(whole.Headers.ETag);
        Assert.NotNull(whole.Content.Headers.LastModified);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("4567", await partial.Content.ReadAsStringAsync(token));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("..%2Fappsettings.json", HttpStatusCode.BadRequest)]
    [InlineData("...", HttpStatusCode.BadRequest)]
    [InlineData("a..b", HttpStatusCode.BadRequest)]
    [InlineData("missing.txt", HttpStatusCode.NotFound)]
    [InlineData("escape.txt", HttpStatusCode.NotFound)]
    [InlineData("inside-link.txt", HttpStatusCode.OK)]
    public async Task File_names_cannot_reach_outside_the_export_directory(string name, HttpStatusCode expected)
    {
        using var client = fixture.NewClient();

        using var response = await client.GetAsync(new Uri("/api/files/" + name, UriKind.Relative), TestTimeouts.TestToken());

        Assert.Equal(expected, response.StatusCode);
    }
}
