using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints.Publishing;

/// <summary>The publish API on the memory engine: what a publisher sends, what readers get, and every refusal.</summary>
public sealed class PublishApiTests
{
    private static Task<LoopbackApp> StartAsync(params (string Key, string Value)[] extra) =>
        LoopbackApp.StartAsync(StreamApiFixture.TestSettings(
        [
            ("Feeds:110:Name", "orders"),
            ("Feeds:110:Kind", "push"),
            ("Feeds:110:MaxItemBytes", "64"),
            ("Feeds:110:Linger", "00:00:00"),
            .. extra,
        ]));

    private static HttpClient Client(LoopbackApp app) => new() { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    [Fact]
    public async Task A_published_item_reaches_a_live_reader_and_the_answer_is_the_position_to_resume_after()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        using var stream = await client.OpenStreamAsync("/api/stream?feeds=orders", token);
        using var reader = await stream.BodyReaderAsync(token);
        await TestTimeouts.WaitUntilAsync(() => app.Services.GetRequiredService<StreamStats>().SharedFeed("orders").Subscribers == 1);

        var answer = Assert.Single(await client.PublishOkAsync("orders", """{"data": {"order": 17,  "total": 9.5}, "id": "o-17"}""", token));
        var record = JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement;

        Assert.Equal(1, answer.GetProperty("seq").GetInt64());
        Assert.Equal($"orders:1@{answer.GetProperty("epoch").GetString()}", answer.GetProperty("position").GetString());
        Assert.Equal("o-17", answer.GetProperty("id").GetString());
        Assert.False(answer.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, record.GetProperty("seq").GetInt64());
        Assert.Equal(answer.GetProperty("epoch").GetString(), record.GetProperty("epoch").GetString());
        Assert.Equal("""{"order":17,"total":9.5}""", record.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task A_batch_is_numbered_in_order_and_kept_in_history_for_readers_who_come_later()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);

        var answers = await client.PublishOkAsync("orders", "{\"data\":\"a\"}\n{\"data\":\"b\"}\r\n\n{\"data\":\"c\"}\n", token, Support.Publishing.Ndjson);
        using var resumed = await client.OpenStreamAsync($"/api/stream?feeds=orders&since={answers[0].GetProperty("position").GetString()}&limit=2", token);
        var records = await (await resumed.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);

        Assert.Equal([1L, 2, 3], answers.Select(a => a.GetProperty("seq").GetInt64()));
        Assert.Equal(["b", "c"], records.Where(r => r.TryGetProperty("seq", out _)).Select(r => r.GetProperty("data").GetString()));
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_gets_the_first_answer_and_creates_nothing()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        const string Batch = "{\"data\":1}\n{\"data\":2}\n";

        var first = await client.PublishOkAsync("orders", Batch, token, Support.Publishing.Ndjson, idempotencyKey: "req-1");
        using var retry = await client.PublishAsync("orders", Batch, token, Support.Publishing.Ndjson, idempotencyKey: "req-1");
        var next = await client.PublishOkAsync("orders", """{"data":3}""", token);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(
            first.Select(i => i.GetRawText()),
            JsonDocument.Parse(await retry.Content.ReadAsStringAsync(token)).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetRawText()));
        Assert.Equal(3, next[0].GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task The_same_Idempotency_Key_with_a_different_request_is_refused_and_publishes_nothing()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        await client.PublishOkAsync("orders", """{"data":1}""", token, idempotencyKey: "req-1");

        using var reused = await client.PublishAsync("orders", """{"data":2}""", token, idempotencyKey: "req-1");
        var detail = await reused.ProblemAsync(422, token);
        var next = await client.PublishOkAsync("orders", """{"data":3}""", token);

        Assert.Contains("Idempotency-Key 'req-1' was used", detail, StringComparison.Ordinal);
        Assert.Equal(2, next[0].GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task An_item_id_published_before_creates_nothing_and_answers_the_first_items_place()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        await client.PublishOkAsync("orders", """{"data":"first","id":"o-1"}""", token);

        var again = await client.PublishOkAsync("orders", "{\"data\":\"again\",\"id\":\"o-1\"}\n{\"data\":\"new\",\"id\":\"o-2\"}", token, Support.Publishing.Ndjson);
        using var history = await client.OpenStreamAsync("/api/export/orders.ndjson", token);
        var records = await (await history.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);

        Assert.Equal((1L, true), (again[0].GetProperty("seq").GetInt64(), again[0].GetProperty("duplicate").GetBoolean()));
        Assert.Equal((2L, false), (again[1].GetProperty("seq").GetInt64(), again[1].GetProperty("duplicate").GetBoolean()));
        Assert.Equal(["first", "new"], records.Select(r => r.GetProperty("data").GetString()));
    }

    [Fact]
    public async Task A_batch_with_one_bad_line_publishes_nothing()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);

        using var refused = await client.PublishAsync("orders", "{\"data\":1}\n{\"data\":2}\n{\"data\":3,\"colour\":\"red\"}\n", token, Support.Publishing.Ndjson);
        var detail = await refused.ProblemAsync(400, token);
        var next = await client.PublishOkAsync("orders", """{"data":4}""", token);

        Assert.StartsWith("The item on line 3 has a field 'colour'", detail, StringComparison.Ordinal);
        Assert.Equal(1, next[0].GetProperty("seq").GetInt64());
    }

    [Theory]
    [InlineData("orders", "{\"data\":1}", "text/plain", null, 415, "Send one item as application/json, or a batch as application/x-ndjson")]
    [InlineData("orders", "{\"data\":1", "application/json", null, 400, "The item is not valid JSON")]
    [InlineData("orders", "[1, 2]", "application/json", null, 400, "The item is a JSON array, not an object")]
    [InlineData("orders", "{\"id\":\"x\"}", "application/json", null, 400, "The item has no \"data\" field")]
    [InlineData("orders", "{\"data\":1,\"id\":7}", "application/json", null, 400, "The item has an id that is not a string of 1 to 200 characters without control characters.")]
    [InlineData("orders", "", "application/json", null, 400, "The body holds no items")]
    [InlineData("orders", "{\"data\":1,\"id\":\"a\\u0000b\"}", "application/json", null, 400, "The item has an id that is not a string of 1 to 200 characters without control characters.")]
    [InlineData("orders", "{\"data\":\"\\ud800\"}", "application/json", null, 400, "The item has a string that is not valid Unicode")]
    [InlineData("orders", "{\"data\":1,\"id\":\"\\ud800\"}", "application/json", null, 400, "The item has an id that is not a string")]
    [InlineData("orders", "{\"data\":1,\"id\":\"a\"}\n{\"data\":2,\"id\":\"a\"}", "application/x-ndjson", null, 400, "The item on line 2 has id 'a', like an earlier item of this request")]
    [InlineData("orders", "{\"data\":\"0123456789012345678901234567890123456789012345678901234567890123456789\"}", "application/json", null, 413, "The item has 72 bytes of data; feed 'orders' takes items up to 64 bytes (its MaxItemBytes).")]
    [InlineData("orders", "{\"data\":1}\n{\"data\":2}\n{\"data\":3}\n{\"data\":4}", "application/x-ndjson", null, 413, "The batch has more than 3 items (Publishing:MaxBatchItems)")]
    [InlineData("orders", "{\"data\":1}", "application/json", "has space", 400, "Idempotency-Key must be one value of 1 to 255 printable ASCII characters")]
    [InlineData("ticker", "{\"data\":1}", "application/json", null, 409, "Feed 'ticker' is a ticker feed, whose items come from its own producer")]
    [InlineData("nope", "{\"data\":1}", "application/json", null, 404, "Unknown feed 'nope'. Known feeds: ")]
    public async Task A_bad_publish_gets_problem_json_that_names_the_problem(string feed, string body, string contentType, string? key, int status, string expected)
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync(("Publishing:MaxBatchItems", "3"));
        using var client = Client(app);

        using var response = await client.PublishAsync(feed, body, token, contentType, key);

        Assert.StartsWith(expected, await response.ProblemAsync(status, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_is_kept_as_sent_and_a_body_that_is_not_UTF8_is_refused()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);

        await client.PublishOkAsync("orders", """{"data":"é <b> & 漢"}""", token);
        using var history = await client.OpenStreamAsync("/api/export/orders.ndjson", token);
        var record = Assert.Single(await (await history.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token));
        using var invalid = new ByteArrayContent([.. "{\"data\":\""u8, 0xC3, 0x28, .. "\"}"u8]);
        invalid.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var refused = await client.PostAsync(new Uri("/api/feeds/orders/items", UriKind.Relative), invalid, token);

        Assert.Equal("\"é <b> & 漢\"", record.GetProperty("data").GetRawText());
        Assert.Equal("The body is not valid UTF-8; JSON must be sent as UTF-8.", await refused.ProblemAsync(400, token));
    }

    [Fact]
    public async Task A_body_larger_than_the_request_limit_is_refused_whole()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync(("Publishing:MaxRequestBytes", "1024"));
        using var client = Client(app);
        var batch = string.Concat(Enumerable.Repeat("{\"data\":12345}\n", 100));

        using var response = await client.PublishAsync("orders", batch, token, Support.Publishing.Ndjson);

        Assert.StartsWith("The request body is larger than 1,024 bytes (Publishing:MaxRequestBytes)", await response.ProblemAsync(413, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_past_its_publish_rate_is_refused_with_429_and_Retry_After_and_others_are_not()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync(("Publishing:ItemsPerSecond", "3"), ("Publishing:MaxBatchItems", "3"));
        using var client = Client(app);
        await client.PublishOkAsync("orders", "{\"data\":1}\n{\"data\":2}\n{\"data\":3}", token, Support.Publishing.Ndjson);

        using var refused = await client.PublishAsync("orders", """{"data":4}""", token);

        Assert.StartsWith("This client may publish 3 items a second (Publishing:ItemsPerSecond)", await refused.ProblemAsync(429, token), StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter);
    }
}
