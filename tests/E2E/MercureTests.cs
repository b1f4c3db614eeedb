using System.Text.Json;
using Microsoft.Playwright;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.E2E;

/// <summary>
/// The Mercure hub as browsers use it: the page's own <c>EventSource</c> in Chromium subscribes, reconnects and
/// resumes, with the hub's cookie for private updates; publishers post over real HTTP.
/// </summary>
public sealed class MercureTests(MercureBrowserFixture fixture) : IClassFixture<MercureBrowserFixture>
{
    private const string Book1 = "https://example.com/books/1";

    // Collects every event of one EventSource, and each time it opens and errs, on window.
    private const string Subscribe = """
        address => {
            window.updates = []; window.opened = 0; window.errors = 0;
            const source = new EventSource(address);
            const keep = e => window.updates.push({ id: e.lastEventId, type: e.type, data: e.data });
            source.onmessage = keep;
            source.addEventListener('book', keep);
            source.onopen = () => window.opened++;
            source.onerror = () => window.errors++;
            window.source = source;
        }
        """;

    [Fact]
    public async Task An_EventSource_receives_published_updates_of_its_topics_with_their_type()
    {
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);
        using var publisher = Publisher();

        await page.EvaluateAsync(Subscribe, $"/.well-known/mercure?topic={Uri.EscapeDataString("https://example.com/books/{id}")}");
        await page.WaitForFunctionAsync("() => window.opened >= 1");
        await PublishAsync(publisher, ("topic", "https://example.com/authors/1"), ("id", "author"), ("data", "not selected"));
        await PublishAsync(publisher, ("topic", Book1), ("id", "dune"), ("type", "book"), ("data", "{\"title\":\"Dune\"}"));
        var updates = await UpdatesAsync(page, 1);

        Assert.Equal([("dune", "book", "{\"title\":\"Dune\"}")], updates);
    }

    [Fact]
    public async Task An_EventSource_that_reconnects_resumes_after_its_last_event_with_nothing_missed_or_repeated()
    {
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);
        var subscriptions = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/.well-known/mercure", StringComparison.Ordinal))
            {
                subscriptions.Add(request);
            }
        };
        using var publisher = Publisher();
        var topic = $"https://example.com/resume/{Guid.NewGuid()}";

        await page.EvaluateAsync(Subscribe, $"/.well-known/mercure?topic={Uri.EscapeDataString(topic)}");
        await page.WaitForFunctionAsync("() => window.opened >= 1");
        // A slow reconnection, so the next updates are published while the page is away.
        await PublishAsync(publisher, ("topic", topic), ("id", $"{topic}#1"), ("retry", "1500"));
        await UpdatesAsync(page, 1);
        await page.WaitForFunctionAsync("() => window.errors >= 1 && window.source.readyState === EventSource.CONNECTING");
        await PublishAsync(publisher, ("topic", topic), ("id", $"{topic}#2"));
        await PublishAsync(publisher, ("topic", topic), ("id", $"{topic}#3"));
        var updates = await UpdatesAsync(page, 3);
        var resumedWith = new List<string>();
        foreach (var subscription in subscriptions.ToList())
        {
            resumedWith.Add((await subscription.AllHeadersAsync()).GetValueOrDefault("last-event-id", ""));
        }

        Assert.Equal([$"{topic}#1", $"{topic}#2", $"{topic}#3"], updates.Select(u => u.Id));
        Assert.Equal("", resumedWith[0]);
        Assert.Equal($"{topic}#1", resumedWith[1]);
    }

    [Fact]
    public async Task A_page_resumes_from_the_id_it_was_given_with_the_lastEventID_parameter()
    {
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);
        using var publisher = Publisher();
        var topic = $"https://example.com/discovery/{Guid.NewGuid()}";
        var discovered = await PublishAsync(publisher, ("topic", topic), ("data", "as rendered"));
        await PublishAsync(publisher, ("topic", topic), ("id", $"{topic}#missed"), ("data", "after rendering"));

        await page.EvaluateAsync(Subscribe, $"/.well-known/mercure?topic={Uri.EscapeDataString(topic)}&lastEventID={Uri.EscapeDataString(discovered)}");
        var updates = await UpdatesAsync(page, 1);

        Assert.Equal(($"{topic}#missed", "message", "after rendering"), updates.Single());
    }

    [Fact]
    public async Task A_private_update_reaches_only_the_page_whose_cookie_allows_its_topic()
    {
        await using var allowed = await fixture.Browser.NewContextAsync();
        await allowed.AddCookiesAsync([new Cookie { Name = "mercureAuthorization", Value = MercureTestTokens.Subscriber("https://example.com/books/{id}"), Url = fixture.BaseAddress.ToString() }]);
        await using var anonymous = await fixture.Browser.NewContextAsync();
        var reader = await OpenAsync(allowed);
        var stranger = await OpenAsync(anonymous);
        using var publisher = Publisher();
        var end = $"end-{Guid.NewGuid()}";

        foreach (var page in new[] { reader, stranger })
        {
            await page.EvaluateAsync(Subscribe, "/.well-known/mercure?topic=*");
            await page.WaitForFunctionAsync("() => window.opened >= 1");
        }

        await PublishAsync(publisher, ("topic", Book1), ("private", "on"), ("id", $"private-{end}"), ("data", "for readers only"));
        await PublishAsync(publisher, ("topic", Book1), ("id", end), ("data", "for everyone"));

        Assert.Equal([$"private-{end}", end], (await UpdatesAsync(reader, 2)).Select(u => u.Id));
        Assert.Equal([end], (await UpdatesAsync(stranger, 1)).Select(u => u.Id));
    }

    private async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        // Any page of the app's origin: the hub is same-origin for it.
        await page.GotoAsync(new Uri(fixture.BaseAddress, "/health/live").ToString());
        return page;
    }

    private HttpClient Publisher()
    {
        var client = new HttpClient { BaseAddress = fixture.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", MercureTestTokens.Publisher("*"));
        return client;
    }

    private static async Task<string> PublishAsync(HttpClient publisher, params (string Name, string Value)[] fields)
    {
        using var response = await publisher.PostAsync("/.well-known/mercure", new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, answer);
        return answer;
    }

    // Waits until the page has at least this many updates, then returns all it has: a later one would be an extra.
    private static async Task<List<(string Id, string Type, string Data)>> UpdatesAsync(IPage page, int count)
    {
        await page.WaitForFunctionAsync("n => window.updates.length >= n", count);
        var json = await page.EvaluateAsync<JsonElement>("() => window.updates");
        return [.. json.EnumerateArray().Select(u => (u.GetProperty("id").GetString()!, u.GetProperty("type").GetString()!, u.GetProperty("data").GetString()!))];
    }
}
