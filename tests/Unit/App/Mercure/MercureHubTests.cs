using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Sharing;
using Tributary.App.Mercure;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Mercure;

/// <summary>The Mercure hub on the memory engine, as a Mercure publisher and subscriber use it.</summary>
public sealed class MercureHubTests
{
    private const string Book1 = "https://example.com/books/1";
    private const string Book2 = "https://example.com/books/2";
    private const string Author1 = "https://example.com/authors/1";

    private static readonly string Publisher = MercureTestTokens.Publisher("*");

    internal static Task<LoopbackApp> StartAsync(bool anonymous = true, params (string Key, string Value)[] extra) =>
        LoopbackApp.StartAsync(StreamApiFixture.TestSettings([.. MercureTestTokens.HubSettings(anonymous), .. extra]));

    internal static HttpClient Client(LoopbackApp app) => new() { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    [Fact]
    public async Task An_update_reaches_a_subscriber_of_its_topic_as_a_server_sent_event_with_its_fields()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        using var subscription = await client.MercureSubscribeAsync($"topic={Uri.EscapeDataString(Book1)}", token);
        using var events = await subscription.EventsAsync(token);

        var id = await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("data", "{\"title\":\"Dune\"}\nsecond line"), ("id", "urn:book-1-v2"), ("type", "book"), ("retry", "1500"));
        var update = await events.NextOrThrowAsync(token);

        Assert.Equal("urn:book-1-v2", id);
        Assert.Equal(new ServerSentEvent("urn:book-1-v2", "book", "{\"title\":\"Dune\"}\nsecond line", "1500"), update);
        Assert.Equal("no-cache", subscription.Headers.Pragma.ToString());
    }

    [Fact]
    public async Task An_update_without_an_id_gets_one_from_the_hub_which_is_the_answer_and_the_event_id()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        using var subscription = await client.MercureSubscribeAsync("topic=*", token);
        using var events = await subscription.EventsAsync(token);

        var id = await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("data", ""));
        var update = await events.NextOrThrowAsync(token);

        Assert.StartsWith("urn:uuid:", id, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(id["urn:uuid:".Length..], out _));
        Assert.Equal(id, update.Id);
        Assert.Equal("", update.Data);
    }

    [Fact]
    public async Task Topic_selectors_pick_exact_topics_uri_templates_and_everything_and_any_topic_of_an_update_counts()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        using var exact = await client.MercureSubscribeAsync($"topic={Uri.EscapeDataString(Book1)}", token);
        using var template = await client.MercureSubscribeAsync($"topic={Uri.EscapeDataString("https://example.com/books/{id}")}", token);
        using var two = await client.MercureSubscribeAsync($"topic={Uri.EscapeDataString(Author1)}&topic={Uri.EscapeDataString(Book2)}", token);
        using var all = await client.MercureSubscribeAsync("topic=*", token);

        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "b1"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book2), ("id", "b2"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Author1), ("id", "a1"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", "https://example.com/authors/9"), ("topic", "https://example.com/books/9"), ("id", "a9-b9"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", "https://example.com/books/1/reviews"), ("id", "reviews"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("topic", Author1), ("topic", Book2), ("id", "end"));

        Assert.Equal(["b1", "end"], await IdsUntilAsync(exact, "end", token));
        Assert.Equal(["b1", "b2", "a9-b9", "end"], await IdsUntilAsync(template, "end", token));
        Assert.Equal(["b2", "a1", "end"], await IdsUntilAsync(two, "end", token));
        Assert.Equal(["b1", "b2", "a1", "a9-b9", "reviews", "end"], await IdsUntilAsync(all, "end", token));
    }

    [Fact]
    public async Task A_private_update_reaches_only_subscribers_whose_token_allows_one_of_its_topics()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        using var anonymous = await client.MercureSubscribeAsync("topic=*", token);
        using var books = await client.MercureSubscribeAsync("topic=*", token, MercureTestTokens.Subscriber("https://example.com/books/{id}"));
        using var authors = await client.MercureSubscribeAsync("topic=*", token, MercureTestTokens.Subscriber(Author1));
        using var bookByQueryOnly = await client.MercureSubscribeAsync($"topic={Uri.EscapeDataString(Book1)}", token, MercureTestTokens.Subscriber(Author1));

        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("private", "on"), ("id", "secret"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("private", ""), ("id", "secret-empty-value"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "end"));

        Assert.Equal(["end"], await IdsUntilAsync(anonymous, "end", token));
        Assert.Equal(["secret", "secret-empty-value", "end"], await IdsUntilAsync(books, "end", token));
        Assert.Equal(["end"], await IdsUntilAsync(authors, "end", token));
        Assert.Equal(["end"], await IdsUntilAsync(bookByQueryOnly, "end", token));
    }

    [Fact]
    public async Task Last_Event_ID_resumes_after_that_update_and_the_response_says_where_it_resumed_the_header_winning_over_the_query()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        foreach (var id in new[] { "u1", "u2", "u3" })
        {
            await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", id));
        }

        using var byHeader = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "u1");
        using var byQuery = await client.MercureSubscribeAsync("topic=*&lastEventID=u2", token);
        using var both = await client.MercureSubscribeAsync("topic=*&lastEventID=u2", token, lastEventId: "u1");
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "end"));

        Assert.Equal(["u2", "u3", "end"], await IdsUntilAsync(byHeader, "end", token));
        Assert.Equal("u1", LastEventId(byHeader));
        Assert.Equal(["u3", "end"], await IdsUntilAsync(byQuery, "end", token));
        Assert.Equal("u2", LastEventId(byQuery));
        Assert.Equal(["u2", "u3", "end"], await IdsUntilAsync(both, "end", token));
    }

    [Fact]
    public async Task An_unknown_last_event_id_is_answered_earliest_and_the_subscription_continues_with_new_updates()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "before"));

        using var subscription = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "never-published");
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "after"));

        Assert.Equal("earliest", LastEventId(subscription));
        Assert.Equal(["after"], await IdsUntilAsync(subscription, "after", token));
    }

    [Fact]
    public async Task Earliest_replays_every_update_history_keeps_for_the_selected_topics_then_live_ones()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "b1"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Author1), ("id", "a1"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book2), ("id", "b2"));

        using var subscription = await client.MercureSubscribeAsync("topic=https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D&lastEventID=earliest", token);
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "live"));

        Assert.Equal("earliest", LastEventId(subscription));
        Assert.Equal(["b1", "b2", "live"], await IdsUntilAsync(subscription, "live", token));
    }

    [Fact]
    public async Task Every_publish_is_delivered_even_with_an_id_sent_before_and_that_id_then_resumes_after_the_latest()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        using var subscription = await client.MercureSubscribeAsync("topic=*", token);

        await client.MercurePublishOkAsync(MercureTestTokens.Publisher("https://tenant-a.example/{+any}"), token, ("topic", "https://tenant-a.example/orders/1"), ("id", "urn:order:1"), ("data", "a"));
        await client.MercurePublishOkAsync(MercureTestTokens.Publisher("https://tenant-b.example/{+any}"), token, ("topic", "https://tenant-b.example/orders/1"), ("id", "urn:order:1"), ("data", "b"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "end"));
        using var resumed = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "urn:order:1");

        Assert.Equal(["urn:order:1", "urn:order:1", "end"], await IdsUntilAsync(subscription, "end", token));
        Assert.Equal(["end"], await IdsUntilAsync(resumed, "end", token));
    }

    [Fact]
    public async Task A_last_event_id_of_a_private_update_the_subscriber_may_not_see_is_answered_earliest_and_not_resumed_from()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("private", "on"), ("id", "order-4711"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "after"));

        using var stranger = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "order-4711");
        using var reader = await client.MercureSubscribeAsync("topic=*", token, MercureTestTokens.Subscriber(Book1), lastEventId: "order-4711");
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "end"));

        Assert.Equal("earliest", LastEventId(stranger));
        Assert.Equal(["end"], await IdsUntilAsync(stranger, "end", token));
        Assert.Equal("order-4711", LastEventId(reader));
        Assert.Equal(["after", "end"], await IdsUntilAsync(reader, "end", token));
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_is_ended_and_resumes_from_history_with_nothing_missed_or_repeated()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync(extra: [("Mercure:SubscriberBuffer", "1"), ("Mercure:HistoryMaxBytes", "268435456")]);
        using var client = Client(app);
        var ids = Enumerable.Range(1, 60).Select(i => $"u{i}").ToList();
        using var subscription = await client.MercureSubscribeAsync("topic=*", token);
        var big = new string('x', 200_000);

        // Not read while the updates are published: the subscriber falls far behind.
        foreach (var id in ids)
        {
            await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", id), ("data", big));
        }

        var seen = new List<string>();
        string? lastEventId;
        using (var events = await subscription.EventsAsync(token))
        {
            while (await events.NextAsync(token) is { } update)
            {
                seen.Add(update.Id!);
            }

            lastEventId = events.LastEventId;
        }

        Assert.NotEqual(ids.Count, seen.Count);
        Assert.StartsWith("#", lastEventId, StringComparison.Ordinal);
        using var resumed = await client.MercureSubscribeAsync("topic=*", token, lastEventId: lastEventId);
        seen.AddRange(await IdsUntilAsync(resumed, ids[^1], token));
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task A_place_the_hub_gave_resumes_exactly_while_history_keeps_what_follows_and_is_answered_earliest_after()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync(extra: ("Mercure:HistoryLength", "5"));
        using var client = Client(app);
        foreach (var i in Enumerable.Range(1, 10))
        {
            await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", $"u{i}"));
        }

        var feed = app.Services.GetRequiredService<FeedCatalog>().Find("mercure")!;
        var epoch = (await app.Services.GetRequiredService<IFeedEngine>().HeadAsync(feed, token)).Epoch;
        using var kept = await client.MercureSubscribeAsync("topic=*", token, lastEventId: $"#7@{epoch}");
        using var trimmed = await client.MercureSubscribeAsync("topic=*", token, lastEventId: $"#2@{epoch}");
        using var otherEpoch = await client.MercureSubscribeAsync("topic=*", token, lastEventId: "#7@elsewhere");
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "end"));

        Assert.Equal($"#7@{epoch}", LastEventId(kept));
        Assert.Equal(["u8", "u9", "u10", "end"], await IdsUntilAsync(kept, "end", token));
        Assert.Equal("earliest", LastEventId(trimmed));
        Assert.Equal(["end"], await IdsUntilAsync(trimmed, "end", token));
        Assert.Equal("earliest", LastEventId(otherEpoch));
    }

    [Fact]
    public async Task Heartbeats_keep_coming_while_updates_for_other_topics_go_by()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync(extra: ("Mercure:Heartbeat", "00:00:01"));
        using var client = Client(app);
        using var subscription = await client.MercureSubscribeAsync($"topic={Uri.EscapeDataString(Book2)}", token);
        using var events = await subscription.EventsAsync(token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var others = Task.Run(
            async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await client.MercurePublishOkAsync(Publisher, stop.Token, ("topic", Book1));
                    await Task.Delay(100, stop.Token);
                }
            },
            token);

        await events.WaitForCommentAsync(token);
        await stop.CancelAsync();

        Assert.Equal(1, events.Comments);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => others);
    }

    [Fact]
    public async Task An_idle_subscription_gets_heartbeat_comments()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync(extra: ("Mercure:Heartbeat", "00:00:01"));
        using var client = Client(app);
        using var subscription = await client.MercureSubscribeAsync("topic=*", token);
        using var events = await subscription.EventsAsync(token);

        await events.WaitForCommentAsync(token);
        await events.WaitForCommentAsync(token);

        Assert.Equal(2, events.Comments);
    }

    [Fact]
    public async Task Closing_a_subscription_leaves_the_hub_feed_and_ends_its_stream()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        var stats = app.Services.GetRequiredService<StreamStats>();
        using var client = Client(app);
        var subscription = await client.MercureSubscribeAsync("topic=*", token);
        var events = await subscription.EventsAsync(token);
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "seen"));
        await events.NextOrThrowAsync(token);
        Assert.Equal(1, stats.SharedFeed("mercure").Subscribers);
        Assert.Equal(1, stats.ActiveStreamsOf(MercureHub.Path).Current);

        events.Dispose();
        subscription.Dispose();

        await TestTimeouts.WaitUntilAsync(() => stats.SharedFeed("mercure").Subscribers == 0 && stats.ActiveStreamsOf(MercureHub.Path).Current == 0);
    }

    [Fact]
    public async Task The_hub_feed_is_read_and_written_only_through_the_hub()
    {
        var token = TestTimeouts.TestToken();
        var exports = Directory.CreateTempSubdirectory("tributary-mercure-");
        await using var app = await StartAsync(extra: ("Exports:Directory", exports.FullName));
        using var client = Client(app);
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("private", "on"), ("data", "secret"));

        await File.WriteAllTextAsync(Path.Combine(exports.FullName, "mercure-20260101-000000.ndjson"), "{}\n", token);
        using var stream = await client.GetAsync("/api/stream?feeds=mercure&tail=10", token);
        using var publish = await client.PublishAsync("mercure", """{"data":{"id":"x","topics":["*"]}}""", token);
        using var export = await client.GetAsync("/api/export/mercure.ndjson", token);
        using var file = await client.GetAsync("/api/files/mercure-20260101-000000.ndjson", token);
        var feeds = await client.GetStringAsync("/api/feeds", token);

        Assert.Contains("Unknown feed 'mercure'", await stream.ProblemAsync(400, token), StringComparison.Ordinal);
        Assert.Contains("Unknown feed 'mercure'", await publish.ProblemAsync(404, token), StringComparison.Ordinal);
        Assert.False(export.IsSuccessStatusCode);
        Assert.Contains("read only through the hub", await file.ProblemAsync(403, token), StringComparison.Ordinal);
        exports.Delete(recursive: true);
        Assert.DoesNotContain(JsonDocument.Parse(feeds).RootElement.EnumerateArray(), f => f.GetProperty("name").GetString() == "mercure");
    }

    private static string? LastEventId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Last-Event-ID", out var values) ? values.Single() : null;

    private static async Task<List<string>> IdsUntilAsync(HttpResponseMessage subscription, string last, CancellationToken token)
    {
        Assert.Equal(HttpStatusCode.OK, subscription.StatusCode);
        using var events = await subscription.EventsAsync(token);
        var ids = new List<string>();
        while (ids.LastOrDefault() != last)
        {
            ids.Add((await events.NextOrThrowAsync(token)).Id!);
        }

        return ids;
    }
}
