using System.Net;
using System.Text.Json;
using Tributary.App.Security;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints.Publishing;

/// <summary>Publishing is a permission of its own, per feed, for keys and tokens; watching a feed does not grant it.</summary>
public sealed class PublishPermissionTests : IAsyncLifetime
{
    private readonly string _publisherKey = AccessKeys.NewKey();
    private SecuredApp _app = null!;

    public async Task InitializeAsync() => _app = await SecuredApp.StartAsync(
        configure: null,
        ("Auth:Keys:3:Name", "backend"),
        ("Auth:Keys:3:Hash", AccessKeys.HashOf(_publisherKey)),
        ("Auth:Keys:3:Publish:0", "events"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_key_that_may_only_publish_publishes_but_does_not_see_the_feed_to_watch_it()
    {
        var token = TestTimeouts.TestToken();
        using var client = _app.Client(_publisherKey);

        await client.PublishOkAsync("events", """{"data":1}""", token);
        var listed = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/feeds", UriKind.Relative), token)).RootElement;
        using var watch = await client.GetAsync(new Uri("/api/stream?feeds=events", UriKind.Relative), token);

        Assert.Empty(listed.EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, watch.StatusCode);
    }

    [Fact]
    public async Task A_key_that_may_watch_every_feed_may_not_publish_without_the_grant()
    {
        var token = TestTimeouts.TestToken();
        using var client = _app.Client(_app.AllKey);

        using var response = await client.PublishAsync("events", """{"data":1}""", token);

        Assert.Equal("The key 'all' may watch feed 'events' but not publish to it; publishing is granted separately (a key's Publish list, a token's publish claim).", await response.ProblemAsync(403, token));
    }

    [Fact]
    public async Task A_key_that_may_neither_watch_nor_publish_a_feed_is_told_it_does_not_exist()
    {
        var token = TestTimeouts.TestToken();
        using var client = _app.Client(_app.OtherKey);

        using var response = await client.PublishAsync("events", """{"data":1}""", token);

        Assert.Equal("Unknown feed 'events'. Known feeds: idle.", await response.ProblemAsync(404, token));
    }

    [Fact]
    public async Task A_token_publishes_to_the_feeds_its_publish_claim_lists_and_no_others()
    {
        var token = TestTimeouts.TestToken();
        using var client = _app.Client(SecuredApp.Token("events", publish: "events"));
        using var watcher = _app.Client(SecuredApp.Token("events"));

        await client.PublishOkAsync("events", """{"data":1}""", token);
        using var refused = await watcher.PublishAsync("events", """{"data":2}""", token);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Publishing_without_a_credential_is_refused_before_the_body_is_read()
    {
        var token = TestTimeouts.TestToken();
        using var client = _app.Client();

        using var response = await client.PublishAsync("events", """{"data":1}""", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
