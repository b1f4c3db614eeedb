using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing.Postgres;

/// <summary>
/// Publishing with the PostgreSQL engine, on a real server and more than one instance: the publish API (committed when
/// it answers, idempotent on any instance) and <c>publish()</c> inside the caller's own transaction (visible on commit
/// only, in commit order, with no hole and no duplicate).
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresPublishingTests(PostgresFixture postgres)
{
    private static readonly (string, string?)[] Orders =
    [
        ("Feeds:110:Name", "orders"),
        ("Feeds:110:Kind", "push"),
        ("Feeds:110:Linger", "00:00:00"),
        ("Feeds:110:HistoryLength", "10000"),
    ];

    [Fact]
    public async Task An_item_published_on_one_instance_is_committed_when_answered_and_reaches_a_reader_on_another()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var first = await StartAsync(schema, token);
        await using var second = await StartAsync(schema, token);
        using var reading = Client(second);
        using var stream = await reading.OpenStreamAsync("/api/stream?feeds=orders&since=orders:0", token);
        using var reader = await stream.BodyReaderAsync(token);
        using var publishing = Client(first);

        var answer = Assert.Single(await publishing.PublishOkAsync("orders", """{"data":{"order":17}}""", token));
        var committed = await postgres.ScalarAsync($"select count(*) from {schema}.items where feed = 'orders'", token);
        var record = JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement;

        Assert.Equal(1L, committed);
        Assert.Equal(answer.GetProperty("seq").GetInt64(), record.GetProperty("seq").GetInt64());
        Assert.Equal(answer.GetProperty("epoch").GetString(), record.GetProperty("epoch").GetString());
        Assert.Equal(17, record.GetProperty("data").GetProperty("order").GetInt32());
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_on_another_instance_gets_the_first_answer_and_creates_nothing()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var first = await StartAsync(schema, token);
        await using var second = await StartAsync(schema, token);
        using var one = Client(first);
        using var other = Client(second);
        const string Batch = "{\"data\":1,\"id\":\"a\"}\n{\"data\":2}\n";

        var answer = await one.PublishOkAsync("orders", Batch, token, Support.Publishing.Ndjson, idempotencyKey: "req-1");
        using var retry = await other.PublishAsync("orders", Batch, token, Support.Publishing.Ndjson, idempotencyKey: "req-1");
        using var reused = await other.PublishAsync("orders", """{"data":3}""", token, idempotencyKey: "req-1");
        var again = await other.PublishOkAsync("orders", """{"data":"again","id":"a"}""", token);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(
            answer.Select(i => i.GetRawText()),
            JsonDocument.Parse(await retry.Content.ReadAsStringAsync(token)).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetRawText()));
        Assert.Contains("was used within its window for a different publish", await reused.ProblemAsync(422, token), StringComparison.Ordinal);
        Assert.Equal((1L, true), (again[0].GetProperty("seq").GetInt64(), again[0].GetProperty("duplicate").GetBoolean()));
        Assert.Equal(2L, await postgres.ScalarAsync($"select count(*) from {schema}.items where feed = 'orders'", token));
    }

    [Fact]
    public async Task Publishing_inside_a_transaction_delivers_on_commit_once_and_never_on_rollback_without_a_hole()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var app = await StartAsync(schema, token);
        using var client = Client(app);
        using var stream = await client.OpenStreamAsync("/api/stream?feeds=orders&since=orders:0", token);
        using var reader = await stream.BodyReaderAsync(token);
        await using var connection = await OpenAsync(token);

        await using (var rolledBack = await connection.BeginTransactionAsync(token))
        {
            await PublishAsync(connection, schema, """{"order":1,"status":"never"}""", null, token);
            await rolledBack.RollbackAsync(token);
        }

        await using (var committed = await connection.BeginTransactionAsync(token))
        {
            var seq = await PublishAsync(connection, schema, """{"order":2,"status":"created"}""", "order-2", token);
            // Not visible before the commit: the item is not in the log for anyone else yet.
            Assert.Equal(0L, await postgres.ScalarAsync($"select count(*) from {schema}.items where feed = 'orders'", token));
            await committed.CommitAsync(token);
            Assert.Equal(1L, seq);
        }

        var again = await PublishAsync(connection, schema, """{"order":2,"status":"created"}""", "order-2", token);
        await PublishAsync(connection, schema, """{"order":3}""", null, token);
        var records = new[] { await reader.ReadLineOrThrowAsync(token), await reader.ReadLineOrThrowAsync(token) }.Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(1L, again);
        Assert.Equal([1L, 2L], records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal([2, 3], records.Select(r => r.GetProperty("data").GetProperty("order").GetInt32()));
    }

    [Fact]
    public async Task Many_concurrent_publishers_give_readers_on_every_instance_one_gap_free_order_in_commit_order()
    {
        const int Publishers = 8;
        const int Each = 25;
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var first = await StartAsync(schema, token);
        await using var second = await StartAsync(schema, token);
        using var one = Client(first);
        using var other = Client(second);
        using var streamOne = await one.OpenStreamAsync($"/api/stream?feeds=orders&since=orders:0&limit={Publishers * Each}", token);
        using var streamOther = await other.OpenStreamAsync($"/api/stream?feeds=orders&since=orders:0&limit={Publishers * Each}", token);

        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async p =>
        {
            await using var connection = await OpenAsync(token);
            for (var n = 0; n < Each; n++)
            {
                await using var transaction = await connection.BeginTransactionAsync(token);
                await PublishAsync(connection, schema, $$"""{"publisher":{{p}},"n":{{n}}}""", null, token);
                await transaction.CommitAsync(token);
            }
        }));
        var seenOne = await (await streamOne.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);
        var seenOther = await (await streamOther.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);

        foreach (var seen in new[] { seenOne, seenOther })
        {
            Assert.Equal(Enumerable.Range(1, Publishers * Each).Select(i => (long)i), seen.Select(r => r.GetProperty("seq").GetInt64()));
            // Each publisher committed its items one after another: in the feed they come in that order.
            foreach (var publisher in seen.GroupBy(r => r.GetProperty("data").GetProperty("publisher").GetInt32()))
            {
                Assert.Equal(Enumerable.Range(0, Each), publisher.Select(r => r.GetProperty("data").GetProperty("n").GetInt32()));
            }
        }

        Assert.Equal(seenOne.Select(r => r.GetRawText()), seenOther.Select(r => r.GetRawText()));
    }

    [Fact]
    public async Task Concurrent_publishes_committed_together_are_each_answered_as_if_alone()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var app = await StartAsync(schema, token);
        // The database takes smaller items than this instance checks for: as after another instance started with another catalog.
        await postgres.ScalarAsync($"update {schema}.feeds set max_item_bytes = 100 where name = 'orders'", token);
        using var client = Client(app);
        var big = new string('x', 200);

        var plainSent = Enumerable.Range(1, 30).Select(i => client.PublishAsync("orders", $$"""{"data":{{i}},"id":"o-{{i}}"}""", token)).ToList();
        var retriedSent = Enumerable.Range(0, 5).Select(_ => client.PublishAsync("orders", """{"data":"same"}""", token, idempotencyKey: "k-same")).ToList();
        var reusedSent = new[] { "first", "second" }.Select(d => client.PublishAsync("orders", $$"""{"data":"{{d}}"}""", token, idempotencyKey: "k-reused")).ToList();
        var refusedSent = client.PublishAsync("orders", $$"""{"data":"{{big}}"}""", token);
        var plain = await Task.WhenAll(plainSent);
        var retried = await Task.WhenAll(retriedSent);
        var reused = await Task.WhenAll(reusedSent);
        using var refused = await refusedSent;

        var plainSeqs = await Task.WhenAll(plain.Select(async r => FirstSeq(await r.Content.ReadAsStringAsync(token))));
        var retriedAnswers = await Task.WhenAll(retried.Select(r => r.Content.ReadAsStringAsync(token)));
        var reusedSeq = FirstSeq(await reused.Single(r => r.IsSuccessStatusCode).Content.ReadAsStringAsync(token));
        var kept = await postgres.ScalarAsync($"select count(*) from {schema}.items where feed = 'orders'", token);

        Assert.Contains("MaxItemBytes", await refused.ProblemAsync(413, token), StringComparison.Ordinal);
        Assert.All(retriedAnswers, a => Assert.Equal(retriedAnswers[0], a));
        Assert.Equal([200, 422], reused.Select(r => (int)r.StatusCode).Order());
        Assert.Equal(Enumerable.Range(1, 32).Select(i => (long)i), plainSeqs.Append(FirstSeq(retriedAnswers[0])).Append(reusedSeq).Order());
        Assert.Equal(32L, kept);
        foreach (var response in plain.Concat(retried).Concat(reused))
        {
            response.Dispose();
        }
    }

    private static long FirstSeq(string answer) => JsonDocument.Parse(answer).RootElement.GetProperty("items")[0].GetProperty("seq").GetInt64();

    [Fact]
    public async Task A_publisher_whose_instance_is_killed_mid_way_retries_on_another_and_readers_get_every_item_once()
    {
        const int Items = 60;
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        var doomed = await StartAsync(schema, token);
        await using var survivor = await StartAsync(schema, token);
        using var toDoomed = Client(doomed);
        using var toSurvivor = Client(survivor);
        using var stream = await toSurvivor.OpenStreamAsync($"/api/stream?feeds=orders&since=orders:0&limit={Items}", token);

        var killed = false;
        for (var n = 0; n < Items; n++)
        {
            if (n == Items / 2)
            {
                await postgres.Server.KillAsync(doomed, token);
                killed = true;
            }

            // What a careful publisher does: the same key on every try, another instance when one fails.
            var body = $$$"""{"data":{"n":{{{n}}}}}""";
            try
            {
                using var response = await (killed ? toSurvivor : toDoomed).PublishAsync("orders", body, token, idempotencyKey: $"item-{n}");
                response.EnsureSuccessStatusCode();
            }
            catch (HttpRequestException)
            {
                await toSurvivor.PublishOkAsync("orders", body, token, idempotencyKey: $"item-{n}");
            }
        }

        var seen = await (await stream.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);
        await doomed.DisposeAsync();

        Assert.Equal(Enumerable.Range(1, Items).Select(i => (long)i), seen.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal(Enumerable.Range(0, Items), seen.Select(r => r.GetProperty("data").GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task Publishing_in_sql_to_a_feed_that_is_not_a_push_feed_is_refused_with_a_clear_error()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var app = await StartAsync(schema, token);
        await using var connection = await OpenAsync(token);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => PublishAsync(connection, schema, "{}", null, token, feed: "ticker"));
        var tooBig = await Assert.ThrowsAsync<PostgresException>(() => PublishAsync(connection, schema, "{\"x\":\"" + new string('x', 2048) + "\"}", null, token));

        Assert.Equal("feed \"ticker\" is not a push feed", refused.MessageText);
        Assert.Contains("larger than feed \"orders\" takes (MaxItemBytes 1024)", tooBig.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_upkeep_pass_is_tried_again_and_never_stops_the_engine()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        using var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(
            postgres.Settings(schema, [.. Orders, ("Sharing:Postgres:TrimInterval", "00:00:00.100")]), builder => builder.Logging.AddProvider(logs), token);

        // Not an outage: a table the upkeep deletes from is gone for a moment (a migration, a revoked grant).
        await postgres.ScalarAsync($"alter table {schema}.item_ids rename to item_ids_away", token);
        await logs.WaitForAsync(id => id.Id == 409, 1, token);
        await postgres.ScalarAsync($"alter table {schema}.item_ids_away rename to item_ids", token);
        using var client = Client(app);
        using var stream = await client.OpenStreamAsync("/api/stream?feeds=orders&since=orders:0&limit=1", token);
        await client.PublishOkAsync("orders", """{"data":1,"id":"after"}""", token);
        var records = await (await stream.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);

        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal(1, Assert.Single(records).GetProperty("data").GetInt32());
    }

    private async Task<LoopbackApp> StartAsync(string schema, CancellationToken token, params (string, string?)[] extra) =>
        await LoopbackApp.StartAsync(postgres.Settings(schema, [.. Orders, ("Feeds:110:MaxItemBytes", "1024"), .. extra]), cancellationToken: token);

    private static HttpClient Client(LoopbackApp app) => new() { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken token)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(token);
        return connection;
    }

    // What a user's code runs, inside its own transaction when it has one.
    private static async Task<long> PublishAsync(NpgsqlConnection connection, string schema, string data, string? id, CancellationToken token, string feed = "orders")
    {
        await using var command = new NpgsqlCommand($"select {schema}.publish($1, $2::jsonb, $3)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = feed });
        command.Parameters.Add(new NpgsqlParameter { Value = data });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await command.ExecuteScalarAsync(token))!;
    }
}
