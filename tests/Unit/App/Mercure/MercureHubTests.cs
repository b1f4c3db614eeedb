using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Feeds.Diagnostics;
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
    public async Task A_publish_repeated_with_the_same_id_is_answered_again_and_delivered_once()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await StartAsync();
        using var client = Client(app);
        using var subscription = await client.MercureSubscribeAsync("topic=*", token);

        var first = await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "once"), ("data", "1"));
        var retry = await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "once"), ("data", "1"));
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("id", "end"));

        Assert.Equal(first, retry);
        Assert.Equal(["once", "end"], await IdsUntilAsync(subscription, "end", token));
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
        await using var app = await StartAsync();
        using var client = Client(app);
        await client.MercurePublishOkAsync(Publisher, token, ("topic", Book1), ("private", "on"), ("data", "secret"));

        using var stream = await client.GetAsync("/api/stream?feeds=mercure&tail=10", token);
        using var publish = await client.PublishAsync("mercure", """{"data":{"id":"x","topics":["*"]}}""", token);
        using var export = await client.GetAsync("/api/export/mercure.ndjson", token);
        var feeds = await client.GetStringAsync("/api/feeds", token);

        Assert.Contains("Unknown feed 'mercure'", await stream.ProblemAsync(400, token), StringComparison.Ordinal);
        Assert.Contains("Unknown feed 'mercure'", await publish.ProblemAsync(404, token), StringComparison.Ordinal);
        Assert.False(export.IsSuccessStatusCode);
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
