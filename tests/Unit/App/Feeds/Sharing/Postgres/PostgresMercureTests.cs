using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing.Postgres;

/// <summary>
/// The Mercure hub on the PostgreSQL engine: instances behind a load balancer are one hub, so a subscriber may publish
/// to, subscribe on and resume from any of them, also after the one it was on has gone.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresMercureTests(PostgresFixture postgres)
{
    private static readonly string Publisher = MercureTestTokens.Publisher("*");

    [Fact]
    public async Task An_update_published_on_one_instance_reaches_subscribers_of_another_and_resumes_there_by_its_id()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var first = await StartAsync(schema, token);
        await using var second = await StartAsync(schema, token);
        using var one = Client(first);
        using var other = Client(second);
        using var live = await other.MercureSubscribeAsync("topic=*", token);
        using var liveEvents = await live.EventsAsync(token);

        await one.MercurePublishOkAsync(Publisher, token, ("topic", "https://example.com/orders/1"), ("id", "u1"), ("data", "created"));
        var delivered = await liveEvents.NextOrThrowAsync(token);
        await one.MercurePublishOkAsync(Publisher, token, ("topic", "https://example.com/orders/1"), ("id", "u2"), ("data", "paid"));
        await one.MercurePublishOkAsync(Publisher, token, ("topic", "https://example.com/orders/1"), ("id", "u3"), ("data", "shipped"));
        using var resumed = await other.MercureSubscribeAsync("topic=*", token, lastEventId: "u1");
        using var resumedEvents = await resumed.EventsAsync(token);

        Assert.Equal(new ServerSentEvent("u1", "message", "created", null), delivered);
        Assert.Equal("u1", resumed.Headers.GetValues("Last-Event-ID").Single());
        Assert.Equal("u2", (await resumedEvents.NextOrThrowAsync(token)).Id);
        Assert.Equal("u3", (await resumedEvents.NextOrThrowAsync(token)).Id);
    }

    [Fact]
    public async Task A_subscriber_whose_instance_has_gone_resumes_on_another_with_nothing_missed_or_repeated()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        var doomed = await StartAsync(schema, token);
        await using var survivor = await StartAsync(schema, token);
        using var publishing = Client(survivor);
        string lastSeen;
        using (var client = Client(doomed))
        using (var subscription = await client.MercureSubscribeAsync("topic=*", token))
        using (var events = await subscription.EventsAsync(token))
        {
            await publishing.MercurePublishOkAsync(Publisher, token, ("topic", "t"), ("id", "before"));
            lastSeen = (await events.NextOrThrowAsync(token)).Id!;
            await postgres.Server.KillAsync(doomed, token);
            await doomed.DisposeAsync();
        }

        await publishing.MercurePublishOkAsync(Publisher, token, ("topic", "t"), ("id", "while-away-1"));
        await publishing.MercurePublishOkAsync(Publisher, token, ("topic", "t"), ("id", "while-away-2"));
        using var reconnected = await publishing.MercureSubscribeAsync("topic=*", token, lastEventId: lastSeen);
        using var reconnectedEvents = await reconnected.EventsAsync(token);
        await publishing.MercurePublishOkAsync(Publisher, token, ("topic", "t"), ("id", "after"));

        Assert.Equal("before", lastSeen);
        Assert.Equal("while-away-1", (await reconnectedEvents.NextOrThrowAsync(token)).Id);
        Assert.Equal("while-away-2", (await reconnectedEvents.NextOrThrowAsync(token)).Id);
        Assert.Equal("after", (await reconnectedEvents.NextOrThrowAsync(token)).Id);
    }

    [Fact]
    public async Task An_id_the_database_no_longer_keeps_is_answered_earliest()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var app = await StartAsync(schema, token);
        using var client = Client(app);
        await client.MercurePublishOkAsync(Publisher, token, ("topic", "t"), ("id", "trimmed"));
        await postgres.ScalarAsync($"delete from {schema}.items where feed = 'mercure'", token);

        using var subscription = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "trimmed");

        Assert.Equal("earliest", subscription.Headers.GetValues("Last-Event-ID").Single());
    }

    [Fact]
    public async Task Publishing_to_the_hub_feed_from_SQL_is_refused_since_only_the_hub_checks_topics_and_privacy()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var app = await StartAsync(schema, token);

        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => postgres.ScalarAsync($"select {schema}.publish('mercure', '{{\"id\":\"x\",\"topics\":[\"*\"]}}')", token));

        Assert.Equal("TR001", refused.SqlState);
        Assert.Contains("Mercure hub", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_the_database_is_down_a_subscriber_is_told_to_come_back_not_refused_for_good()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var app = await StartAsync(schema, token);
        using var client = Client(app);

        await postgres.Server.StopServerAsync();
        try
        {
            using var subscription = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "u1");
            var body = await subscription.Content.ReadAsStringAsync(token);

            Assert.Equal(System.Net.HttpStatusCode.OK, subscription.StatusCode);
            Assert.Equal("text/event-stream", subscription.Content.Headers.ContentType?.MediaType);
            Assert.Contains("retry: ", body, StringComparison.Ordinal);
            Assert.Contains("database is unavailable", body, StringComparison.Ordinal);
        }
        finally
        {
            await postgres.Server.StartServerAsync();
        }
    }

    [Fact]
    public async Task The_hub_forgets_the_ids_of_updates_history_no_longer_keeps()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var app = await LoopbackApp.StartAsync(
            postgres.Settings(schema, [.. MercureTestTokens.HubSettings(anonymous: true).Select(s => (s.Key, (string?)s.Value)), ("Mercure:HistoryLength", "3"), ("Sharing:Postgres:TrimInterval", "00:00:00.200")]),
            cancellationToken: token);
        using var client = Client(app);
        foreach (var i in Enumerable.Range(1, 10))
        {
            await client.MercurePublishOkAsync(Publisher, token, ("topic", "t"), ("id", $"u{i}"));
        }

        await TestTimeouts.WaitUntilAsync(async () => (long)(await postgres.ScalarAsync($"select count(*) from {schema}.item_ids where feed = 'mercure'", token))! <= 3);
        using var resumed = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "u8");
        using var forgotten = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "u2");

        Assert.Equal("u8", resumed.Headers.GetValues("Last-Event-ID").Single());
        Assert.Equal("earliest", forgotten.Headers.GetValues("Last-Event-ID").Single());
    }

    private async Task<LoopbackApp> StartAsync(string schema, CancellationToken token) =>
        await LoopbackApp.StartAsync(postgres.Settings(schema, [.. MercureTestTokens.HubSettings(anonymous: true).Select(s => (s.Key, (string?)s.Value))]), cancellationToken: token);

    private static HttpClient Client(LoopbackApp app) => new() { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
}
