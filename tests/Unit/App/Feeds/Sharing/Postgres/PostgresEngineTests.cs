using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Sharing.Postgres;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing.Postgres;

/// <summary>
/// The PostgreSQL engine against a real server: several app instances in one test, each a real Kestrel
/// host, sharing one database.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresEngineTests(PostgresFixture postgres)
{
    private static readonly (string, string?)[] Ticks = PostgresFixture.Ticks;

    [Fact]
    public async Task Two_instances_open_one_upstream_connection_for_readers_on_both()
    {
        var token = TestTimeouts.TestToken();
        await using var peer = await LoopbackPeer.StartAsync();
        peer.HttpScript = async (_, response, stop) =>
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                await response.WriteAsync($"{{\"n\":{n}}}\n", stop);
                await response.Body.FlushAsync(stop);
                await Task.Delay(10, stop);
            }
        };
        var schema = PostgresFixture.NewSchema();
        (string, string?)[] upstream = [("Feeds:100:Name", "up"), ("Feeds:100:Kind", "ndjson"), ("Feeds:100:Url", peer.HttpUrl.ToString())];
        await using var a = await LoopbackApp.StartAsync(postgres.Settings(schema, upstream), cancellationToken: token);
        await using var b = await LoopbackApp.StartAsync(postgres.Settings(schema, upstream), cancellationToken: token);

        var readers = new[] { a, a, a, b, b, b }.Select(app => ReadDataAsync(app, "/api/stream?feeds=up", 10, token)).ToList();
        var results = await Task.WhenAll(readers);

        Assert.Equal(1, peer.Connections);
        Assert.Single(new[] { a, b }, app => Counters(app, "up").Producer);
        // Every reader saw the feed's one numbering: the same seq carries the same data on both instances.
        var bySeq = results.SelectMany(r => r).GroupBy(r => r.Seq).Where(g => g.Count() > 1);
        Assert.All(bySeq, group => Assert.Single(group.Select(r => r.Data).Distinct()));
    }

    [Fact]
    public async Task A_reader_resumes_on_another_instance_with_Last_Event_ID_and_gets_exactly_the_missed_items()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var a = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        await using var b = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);

        // A reader that never leaves, on instance A.
        var stayer = ReadDataAsync(a, "/api/stream?feeds=ticks", 60, token);
        using var client = new HttpClient { BaseAddress = a.BaseAddress };
        using var first = await client.OpenStreamAsync("/api/stream?feeds=ticks&format=sse&limit=5", token);
        var lastId = (await first.Content.ReadAsStringAsync(token)).SseEvents()[^1].Split('\n')[0]["id: ".Length..];
        // The reader is away for a while, then comes back to the other instance.
        await Task.Delay(200, token);
        using var other = new HttpClient { BaseAddress = b.BaseAddress };
        using var resumed = await other.OpenStreamAsync("/api/stream?feeds=ticks&format=sse&limit=20", token, ("Last-Event-ID", lastId));
        var missed = (await resumed.Content.ReadAsStringAsync(token)).SseEvents()
            .Select(e => JsonDocument.Parse(e.Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]).RootElement)
            .Select(r => (Seq: r.GetProperty("seq").GetInt64(), Data: r.GetProperty("data").GetRawText()))
            .ToList();

        var lastSeq = long.Parse(lastId.Split(':')[1].Split('@')[0], CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => lastSeq + i), missed.Select(m => m.Seq));
        var stayed = (await stayer).ToDictionary(r => r.Seq, r => r.Data);
        Assert.All(missed.Where(m => stayed.ContainsKey(m.Seq)), m => Assert.Equal(stayed[m.Seq], m.Data));
        Assert.Contains(missed, m => stayed.ContainsKey(m.Seq));
    }

    [Fact]
    public async Task When_the_producing_instance_loses_its_database_connection_another_instance_takes_over_with_a_gap_record()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var a = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        await using var b = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        using var clientA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var clientB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var streamA = await clientA.OpenStreamAsync("/api/stream?feeds=ticks", token);
        using var streamB = await clientB.OpenStreamAsync("/api/stream?feeds=ticks", token);
        var readerA = await streamA.BodyReaderAsync(token);
        var readerB = await streamB.BodyReaderAsync(token);
        await readerA.ReadLineOrThrowAsync(token);
        await readerB.ReadLineOrThrowAsync(token);
        var (producer, survivor, survivorReader) = Counters(a, "ticks").Producer ? (a, b, readerB) : (b, a, readerA);

        // Abruptly: every connection of the producing instance is cut, as if it had died.
        await postgres.Server.KillAsync(producer, token);

        var gap = await ReadUntilAsync(survivorReader, r => Type(r) == "gap", token);
        Assert.Contains("changed producer", gap.GetProperty("message").GetString(), StringComparison.Ordinal);
        var next = await ReadUntilAsync(survivorReader, r => Type(r) is null, token);
        Assert.True(next.GetProperty("seq").GetInt64() > 1);
        Assert.True(Counters(survivor, "ticks").Producer);
    }

    [Fact]
    public async Task A_clean_handover_while_another_instance_watches_is_marked_with_a_gap_record_too()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var a = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        await using var b = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        using var clientA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var clientB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var streamA = await clientA.OpenStreamAsync("/api/stream?feeds=ticks", token);
        using var streamB = await clientB.OpenStreamAsync("/api/stream?feeds=ticks", token);
        var readerA = await streamA.BodyReaderAsync(token);
        var readerB = await streamB.BodyReaderAsync(token);
        await readerA.ReadLineOrThrowAsync(token);
        await readerB.ReadLineOrThrowAsync(token);
        var (producingStream, watcher, watcherReader) = Counters(a, "ticks").Producer ? (streamA, b, readerB) : (streamB, a, readerA);

        // The producing instance's reader leaves (linger 0): it hands the feed over cleanly, and the other instance,
        // whose reader is still watching, takes it over. What the source sent in between is in no log.
        producingStream.Dispose();
        var gap = await ReadUntilAsync(watcherReader, r => Type(r) == "gap", token);

        Assert.Contains("changed producer", gap.GetProperty("message").GetString(), StringComparison.Ordinal);
        await ReadUntilAsync(watcherReader, r => Type(r) is null, token);
        Assert.True(Counters(watcher, "ticks").Producer);
        streamA.Dispose();
    }

    [Fact]
    public async Task History_survives_an_app_restart_and_a_position_from_another_epoch_gets_a_reset()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        List<(long Seq, string Data)> before;
        string epoch;
        await using (var a = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token))
        {
            using var client = new HttpClient { BaseAddress = a.BaseAddress };
            using var response = await client.OpenStreamAsync("/api/stream?feeds=ticks&limit=6", token);
            var records = await (await response.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);
            before = [.. records.Select(r => (r.GetProperty("seq").GetInt64(), r.GetProperty("data").GetRawText()))];
            epoch = records[0].GetProperty("epoch").GetString()!;
        }

        await using var restarted = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        using var again = new HttpClient { BaseAddress = restarted.BaseAddress };
        using var resumed = await again.OpenStreamAsync($"/api/stream?feeds=ticks&limit=5&since=ticks:{before[0].Seq}@{epoch}", token);
        var replayed = await (await resumed.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);
        Assert.Equal(before.Skip(1), replayed.Select(r => (r.GetProperty("seq").GetInt64(), r.GetProperty("data").GetRawText())));
        Assert.All(replayed, r => Assert.Equal(epoch, r.GetProperty("epoch").GetString()));

        using var foreign = await again.OpenStreamAsync($"/api/stream?feeds=ticks&limit=1&since=ticks:{before[0].Seq}@aaaaaaaaaaaa", token);
        var records2 = await (await foreign.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token);
        Assert.Equal("reset", Type(records2[0]));
        Assert.Contains("another epoch", records2[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_instance_exports_the_same_history_from_the_log()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var a = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        await using var b = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        await ReadDataAsync(a, "/api/stream?feeds=ticks", 8, token);
        // The reader left: once the producer has handed the feed back, the log stops growing.
        await a.Services.GetRequiredService<StreamStats>().SharedProducers.WaitForAsync(0).WaitAsync(token);

        using var clientA = new HttpClient { BaseAddress = a.BaseAddress };
        using var clientB = new HttpClient { BaseAddress = b.BaseAddress };
        var fromA = await clientA.GetStringAsync("/api/export/ticks.ndjson", token);
        var fromB = await clientB.GetStringAsync("/api/export/ticks.ndjson", token);

        Assert.True(fromA.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 8);
        Assert.Equal(fromA, fromB);
    }

    [Fact]
    public async Task The_database_stopped_and_started_mid_stream_is_announced_and_the_stream_recovers_without_leaking_the_password()
    {
        var token = TestTimeouts.TestToken();
        var logs = new CollectingLoggerProvider();
        var settings = postgres.Settings(PostgresFixture.NewSchema(), Ticks);
        settings["ConnectionStrings:Tributary"] += ";Password=hunter2-secret";
        await using var app = await LoopbackApp.StartAsync(settings, builder => builder.Logging.AddProvider(logs), token);
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var stream = await client.OpenStreamAsync("/api/stream?feeds=ticks", token);
        var reader = await stream.BodyReaderAsync(token);
        var last = await ReadUntilAsync(reader, r => Type(r) is null, token);

        await postgres.Server.StopServerAsync();
        try
        {
            var down = await ReadUntilAsync(reader, r => Type(r) == "engine", token);
            Assert.Equal("unavailable", down.GetProperty("status").GetString());
        }
        finally
        {
            await postgres.Server.StartServerAsync();
        }

        var up = await ReadUntilAsync(reader, r => Type(r) == "engine", token);
        Assert.Equal("recovered", up.GetProperty("status").GetString());
        var next = await ReadUntilAsync(reader, r => Type(r) is null, token);
        Assert.True(next.GetProperty("seq").GetInt64() > last.GetProperty("seq").GetInt64());

        var stats = await client.GetStringAsync("/api/stats", token);
        Assert.Contains("\"engine\":\"postgres\"", stats, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stats, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, line => line.Contains("hunter2", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Id.Id == 401);
    }

    [Fact]
    public async Task Readers_that_join_while_the_database_is_down_are_told_at_once_and_told_when_it_recovers()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(postgres.Settings(PostgresFixture.NewSchema(), Ticks), cancellationToken: token);
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        await ReadDataAsync(app, "/api/stream?feeds=ticks", 2, token);

        await postgres.Server.StopServerAsync();
        JsonElement down;
        JsonElement alsoDown;
        HttpResponseMessage? stream = null;
        HttpResponseMessage? resumed = null;
        var restarted = false;
        try
        {
            // A new reader, and one resuming from a position, while the database is down.
            stream = await client.OpenStreamAsync("/api/stream?feeds=ticks", token);
            var reader = await stream.BodyReaderAsync(token);
            down = await ReadUntilAsync(reader, r => Type(r) is not null, token);
            resumed = await client.OpenStreamAsync("/api/stream?feeds=ticks&since=ticks:1", token);
            var resumedReader = await resumed.BodyReaderAsync(token);
            alsoDown = await ReadUntilAsync(resumedReader, r => Type(r) is not null, token);
            Assert.Equal(("engine", "unavailable"), (Type(down), down.GetProperty("status").GetString()));
            Assert.Equal(("engine", "unavailable"), (Type(alsoDown), alsoDown.GetProperty("status").GetString()));

            await postgres.Server.StartServerAsync();
            restarted = true;
            var up = await ReadUntilAsync(reader, r => Type(r) == "engine", token);
            Assert.Equal("recovered", up.GetProperty("status").GetString());
            Assert.True((await ReadUntilAsync(reader, r => Type(r) is null, token)).GetProperty("seq").GetInt64() > 0);
            Assert.True((await ReadUntilAsync(resumedReader, r => Type(r) is null, token)).GetProperty("seq").GetInt64() > 1);
        }
        finally
        {
            if (!restarted)
            {
                await postgres.Server.StartServerAsync();
            }

            stream?.Dispose();
            resumed?.Dispose();
        }
    }

    [Fact]
    public async Task A_history_export_while_the_database_is_down_is_a_503_with_Retry_After_not_an_unhandled_error()
    {
        var token = TestTimeouts.TestToken();
        var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(postgres.Settings(PostgresFixture.NewSchema(), Ticks), builder => builder.Logging.AddProvider(logs), token);
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        await ReadDataAsync(app, "/api/stream?feeds=ticks", 2, token);

        await postgres.Server.StopServerAsync();
        try
        {
            using var export = await client.GetAsync("/api/export/ticks.ndjson", token);
            var problem = JsonDocument.Parse(await export.Content.ReadAsStringAsync(token)).RootElement;

            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, export.StatusCode);
            Assert.Equal("application/problem+json", export.Content.Headers.MediaType());
            Assert.NotNull(export.Headers.RetryAfter);
            Assert.Contains("database is unavailable", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        }
        finally
        {
            await postgres.Server.StartServerAsync();
        }
    }

    [Fact]
    public async Task Instances_starting_together_migrate_the_schema_once()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        var apps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token)));
        try
        {
            Assert.Equal(1L, await postgres.ScalarAsync($"select count(*) from {schema}.schema_version", token));
            Assert.Equal(PostgresSchema.Version, await postgres.ScalarAsync($"select version from {schema}.schema_version", token));
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_unreachable_database_at_start_fails_with_one_line_naming_the_server_and_the_setting_but_not_the_password()
    {
        var port = LoopbackPeer.ClosedPort();
        var settings = postgres.Settings(PostgresFixture.NewSchema());
        settings["ConnectionStrings:Tributary"] = $"Host=127.0.0.1;Port={port};Database=feeds;Username=tributary;Password=hunter2-secret";
        await using var app = LoopbackApp.Create(settings);

        var failure = await Assert.ThrowsAsync<FeedEngineUnavailableException>(() => FeedServices.PrepareEngineAsync(app.Services, TestTimeouts.TestToken()));

        Assert.Contains($"127.0.0.1:{port}/feeds", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Tributary", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public async Task When_the_last_reader_leaves_the_instance_stops_producing_and_waiting_for_the_lock()
    {
        var token = TestTimeouts.TestToken();
        var schema = PostgresFixture.NewSchema();
        await using var a = await LoopbackApp.StartAsync(postgres.Settings(schema, Ticks), cancellationToken: token);
        await ReadDataAsync(a, "/api/stream?feeds=ticks", 3, token);

        var stats = a.Services.GetRequiredService<StreamStats>();
        await stats.SharedProducers.WaitForAsync(0).WaitAsync(token);
        await stats.ActiveProducers.WaitForAsync(0).WaitAsync(token);
        Assert.False(Counters(a, "ticks").Producer);
    }

    private static SharedFeedSnapshot Counters(LoopbackApp app, string feed) =>
        app.Services.GetRequiredService<StreamStats>().SharedFeed(feed).Snapshot();

    private static string? Type(JsonElement record) => record.TryGetProperty("type", out var type) ? type.GetString() : null;

    private static async Task<JsonElement> ReadUntilAsync(StreamReader reader, Func<JsonElement, bool> match, CancellationToken token)
    {
        while (true)
        {
            var record = JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement;
            if (match(record))
            {
                return record;
            }
        }
    }

    // Reads a stream until it has seen that many data records; returns each one's seq and data.
    private static async Task<List<(long Seq, string Data)>> ReadDataAsync(LoopbackApp app, string url, int count, CancellationToken token)
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await client.OpenStreamAsync(url, token);
        var reader = await response.BodyReaderAsync(token);
        var items = new List<(long, string)>();
        while (items.Count < count)
        {
            var record = await ReadUntilAsync(reader, r => Type(r) is null, token);
            items.Add((record.GetProperty("seq").GetInt64(), record.GetProperty("data").GetRawText()));
        }

        return items;
    }
}
