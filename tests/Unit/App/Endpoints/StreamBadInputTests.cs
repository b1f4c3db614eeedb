using System.Net;
using System.Text.Json;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

public sealed class StreamBadInputTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    [Theory]
    [InlineData("feeds=nope", "Unknown feed 'nope'. Known feeds: news, weather, ticker, system, counter, events, fast, idle, broken.")]
    [InlineData("feeds=fast,nope", "Unknown feed 'nope'.")]
    [InlineData("", "No feeds were requested. Pass feeds=name[,name...]; known feeds: news,")]
    [InlineData("feeds=,%20,", "No feeds were requested.")]
    [InlineData("feeds=a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11,a12,a13,a14,a15,a16,a17", "17 feeds were requested; at most 16 can be merged in one stream.")]
    [InlineData("feeds=fast&format=xml", "Unknown format 'xml'. Use ndjson, sse or text.")]
    [InlineData("feeds=fast&limit=ten", "limit must be a whole number, but was 'ten'.")]
    [InlineData("feeds=fast&limit=-1", "limit must be a whole number, but was '-1'.")]
    [InlineData("feeds=fast&limit=0", "limit must be between 1 and")]
    [InlineData("feeds=fast&tail=some", "tail must be a whole number, but was 'some'.")]
    [InlineData("feeds=fast&tail=5", "tail replays the history of shared feeds, but 'fast' runs privately for each stream and keeps none.")]
    [InlineData("feeds=fast&rate=quick", "rate must be a number of items per second, but was 'quick'.")]
    [InlineData("feeds=fast&rate=-2", "rate must be 0 (as fast as possible) or between 0.001 and 10000, but was -2.")]
    [InlineData("feeds=fast&rate=1e9", "rate must be 0 (as fast as possible) or between 0.001 and 10000")]
    [InlineData("feeds=fast&rate=1e-7", "rate must be 0 (as fast as possible) or between 0.001 and 10000, but was 1E-07.")]
    [InlineData("feeds=fast&count=many", "count must be a whole number, but was 'many'.")]
    [InlineData("feeds=fast&count=99999999999", "count must be between 0 and 10000000, but was 99999999999.")]
    [InlineData("feeds=news&rate=5", "rate and count apply only to counter feeds, but 'news' is a news feed.")]
    [InlineData("feeds=fast,weather&count=5", "rate and count apply only to counter feeds, but 'weather' is a weather feed.")]
    public async Task Bad_input_gets_400_problem_json_that_names_the_problem(string query, string expectedDetail)
    {
        using var client = fixture.NewClient();

        using var response = await client.GetAsync(new Uri("/api/stream?" + query, UriKind.Relative), TestTimeouts.TestToken());
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestTimeouts.TestToken())).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.MediaType());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.StartsWith(expectedDetail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Other_methods_get_405(string method)
    {
        using var client = fixture.NewClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri("/api/stream?feeds=fast", UriKind.Relative)), TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Counter_overrides_within_the_maxima_are_honoured()
    {
        using var client = fixture.NewClient();
        var token = TestTimeouts.TestToken();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=counter&rate=0&count=4", token);
        using var reader = await response.BodyReaderAsync(token);
        var records = await reader.ReadNdjsonToEndAsync(token);

        Assert.Equal([1L, 2, 3, 4], records.Select(r => r.GetProperty("data").GetProperty("value").GetInt64()));
    }
}
