using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Tributary.App.Feeds;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Security;

/// <summary>Every entry point, for a caller with no credential, one that may, and one that may not.</summary>
public sealed class EntryPointAccessTests(EntryPointAccessTests.Fixture fixture) : IClassFixture<EntryPointAccessTests.Fixture>
{
    private SecuredApp App => fixture.App;

    [Theory]
    [InlineData("/api/feeds")]
    [InlineData("/api/stream?feeds=news")]
    [InlineData("/api/stats")]
    [InlineData("/api/export/news.ndjson")]
    [InlineData("/api/files/news-20260101-000000.csv")]
    public async Task Anonymous_callers_get_401_problem_saying_how_to_authenticate(string url)
    {
        using var client = App.Client();

        using var response = await client.GetAsync(url, TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.MediaType());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Authorization: Bearer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_is_401_not_a_guess_at_permissions()
    {
        using var client = App.Client("trb_not-a-key-anyone-was-given");

        using var response = await client.GetAsync("/api/feeds", TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_catalog_lists_only_the_feeds_the_caller_may_watch()
    {
        using var limited = App.Client(App.NewsKey);
        using var everything = App.Client(App.AllKey);

        var limitedNames = await FeedNamesAsync(limited);
        var allNames = await FeedNamesAsync(everything);

        Assert.Equal(["news", "idle"], limitedNames);
        Assert.Contains("system", allNames);
        Assert.Contains("weather", allNames);
    }

    [Fact]
    public async Task A_stream_of_an_allowed_feed_is_served()
    {
        using var client = App.Client(App.NewsKey);
        var token = TestTimeouts.TestToken();

        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        var first = JsonDocument.Parse(await (await response.BodyReaderAsync(token)).ReadLineOrThrowAsync(token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("idle", first.RootElement.GetProperty("feed").GetString());
    }

    [Theory]
    [InlineData("/api/stream?feeds=news,{0}", "weather")]
    [InlineData("/api/stream?feeds={0}", "system")]
    [InlineData("/api/export/{0}.csv", "weather")]
    [InlineData("/api/export/{0}.ndjson?live=true&count=3", "counter")]
    [InlineData("/api/files/{0}-20260101-000000.csv", "weather")]
    public async Task A_feed_the_caller_may_not_watch_gets_exactly_the_answer_an_unknown_feed_gets(string url, string hidden)
    {
        using var client = App.Client(App.NewsKey);
        var unknown = new string('z', hidden.Length);
        if (url.StartsWith("/api/files/", StringComparison.Ordinal))
        {
            await File.WriteAllTextAsync(Path.Combine(fixture.Exports, string.Format(System.Globalization.CultureInfo.InvariantCulture, url["/api/files/".Length..], unknown)), "t,v\n");
        }

        using var refused = await client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, url, hidden), TestTimeouts.TestToken());
        using var missing = await client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, url, unknown), TestTimeouts.TestToken());

        Assert.Equal(missing.StatusCode, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.MediaType());
        Assert.Equal(Problem(await missing.Content.ReadAsStringAsync()), Problem(await refused.Content.ReadAsStringAsync()).Replace(hidden, unknown, StringComparison.Ordinal));
    }

    private static string Problem(string body)
    {
        var problem = JsonDocument.Parse(body).RootElement;
        return $"{problem.GetProperty("title").GetString()}: {problem.GetProperty("detail").GetString()}";
    }

    [Fact]
    public async Task An_unknown_feed_names_only_the_feeds_the_caller_could_watch()
    {
        using var client = App.Client(App.NewsKey);

        using var response = await client.GetAsync("/api/stream?feeds=nope", TestTimeouts.TestToken());
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Unknown feed 'nope'. Known feeds: news, idle.", detail);
    }

    [Fact]
    public async Task Stats_need_the_stats_permission()
    {
        using var without = App.Client(App.NewsKey);
        using var with = App.Client(App.AllKey);

        using var refused = await without.GetAsync("/api/stats", TestTimeouts.TestToken());
        using var served = await with.GetAsync("/api/stats", TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("lacks the stats permission", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task History_exports_of_allowed_feeds_are_served()
    {
        using var client = App.Client(App.NewsKey);

        using var response = await client.GetAsync("/api/export/news.ndjson", TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task Files_of_a_feed_follow_that_feeds_permission_and_others_need_every_feed()
    {
        using var limited = App.Client(App.NewsKey);
        using var everything = App.Client(App.AllKey);

        using var readme = await everything.GetAsync("/api/files/README.txt", TestTimeouts.TestToken());
        using var readmeLimited = await limited.GetAsync("/api/files/README.txt", TestTimeouts.TestToken());
        using var weather = await limited.GetAsync("/api/files/weather-20260101-000000.csv", TestTimeouts.TestToken());
        using var news = await limited.GetAsync("/api/files/news-20260101-000000.csv", TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.OK, readme.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readmeLimited.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, weather.StatusCode);
        Assert.Contains("is not named after one feed", await weather.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, news.StatusCode);
    }

    [Fact]
    public async Task The_access_token_query_parameter_works_where_headers_cannot_be_set()
    {
        using var client = App.Client();
        var token = TestTimeouts.TestToken();

        using var response = await client.OpenStreamAsync($"/api/stream?feeds=idle&access_token={Uri.EscapeDataString(App.NewsKey)}", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Hub_refuses_anonymous_connections()
    {
        await using var connection = App.Hub(null);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync(TestTimeouts.TestToken()));

        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_lists_and_streams_only_allowed_feeds()
    {
        await using var connection = App.Hub(App.NewsKey);
        var token = TestTimeouts.TestToken();
        await connection.StartAsync(token);

        var catalog = await connection.InvokeAsync<FeedInfo[]>("Catalog", token);
        await using var allowed = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, token).GetAsyncEnumerator(token);
        Assert.True(await allowed.MoveNextAsync());
        var denied = await Assert.ThrowsAsync<HubException>(() => connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "weather" }, token).TakeAsync(1));
        var unknown = await Assert.ThrowsAsync<HubException>(() => connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "zzzzzzz" }, token).TakeAsync(1));

        Assert.Equal(["news", "idle"], catalog.Select(f => f.Name));
        Assert.Equal(unknown.Message, denied.Message.Replace("weather", "zzzzzzz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Jwt_tokens_carry_their_feeds_in_a_claim()
    {
        using var client = App.Client(SecuredApp.Token("news idle"));
        var token = TestTimeouts.TestToken();

        using var allowed = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        using var denied = await client.GetAsync("/api/stream?feeds=weather", token);
        using var stats = await client.GetAsync("/api/stats", token);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, denied.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stats.StatusCode);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong audience")]
    [InlineData("tampered")]
    public async Task Invalid_jwt_tokens_are_401(string flaw)
    {
        var jwt = flaw switch
        {
            "expired" => SecuredApp.Token("*", lifetime: TimeSpan.FromMinutes(-10)),
            "wrong audience" => SecuredApp.Token("*", audience: "someone-else"),
            _ => SecuredApp.Token("news") is var t ? t[..^4] + (t.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA") : "",
        };
        using var client = App.Client(jwt);

        using var response = await client.GetAsync("/api/feeds", TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Streams_count_against_the_principal_not_the_shared_address()
    {
        await using var app = await SecuredApp.StartAsync(extra: [("Streaming:MaxStreamsPerClient", "1")]);
        using var first = app.Client(app.NewsKey);
        using var other = app.Client(app.OtherKey);
        var token = TestTimeouts.TestToken();

        using var held = await first.OpenStreamAsync("/api/stream?feeds=idle", token);
        using var second = await first.GetAsync("/api/stream?feeds=idle", HttpCompletionOption.ResponseHeadersRead, token);
        using var otherKeys = await other.OpenStreamAsync("/api/stream?feeds=idle", token);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherKeys.StatusCode);
    }

    private static async Task<string[]> FeedNamesAsync(HttpClient client)
    {
        var feeds = await client.GetFromJsonAsync<JsonElement[]>("/api/feeds", TestTimeouts.TestToken());
        return [.. feeds!.Select(f => f.GetProperty("name").GetString()!)];
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string _exports = Directory.CreateTempSubdirectory("tributary-exports-").FullName;
        private SecuredApp? _app;

        public string Exports => _exports;

        public SecuredApp App => _app ?? throw new InvalidOperationException("Not started.");

        public async Task InitializeAsync()
        {
            await File.WriteAllTextAsync(Path.Combine(_exports, "README.txt"), "exports");
            await File.WriteAllTextAsync(Path.Combine(_exports, "weather-20260101-000000.csv"), "t,v\n");
            await File.WriteAllTextAsync(Path.Combine(_exports, "news-20260101-000000.csv"), "t,v\n");
            _app = await SecuredApp.StartAsync(extra: [("Exports:Directory", _exports)]);
        }

        public async Task DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            Directory.Delete(_exports, recursive: true);
        }
    }
}
