using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Mercure;

/// <summary>What the hub refuses, each with a status a Mercure client expects and a problem that names the problem.</summary>
public sealed class MercureRefusalTests
{
    private const string Book1 = "https://example.com/books/1";

    [Fact]
    public async Task A_publish_without_a_token_is_401_with_a_bearer_challenge()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync();
        using var client = MercureHubTests.Client(app);

        using var response = await client.MercurePublishAsync(null, token, ("topic", Book1));

        Assert.Contains("mercure.publish", await response.ProblemAsync(401, token), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("subscriber", "signature does not verify")]
    [InlineData("not-a-jwt", "not a JWT")]
    [InlineData("expired", "expired")]
    [InlineData("too-many-selectors", "more than the 100 taken")]
    public async Task A_publish_with_a_token_that_does_not_verify_is_401_invalid_token(string kind, string reason)
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync();
        using var client = MercureHubTests.Client(app);
        var presented = kind switch
        {
            "subscriber" => MercureTestTokens.Create(MercureTestTokens.SubscriberKey, new { publish = new[] { "*" } }),
            "expired" => MercureTestTokens.Create(MercureTestTokens.PublisherKey, new { publish = new[] { "*" } }, TimeSpan.FromMinutes(-5)),
            "too-many-selectors" => MercureTestTokens.Create(MercureTestTokens.PublisherKey, new { publish = Enumerable.Range(0, 101).Select(i => $"t{i}").ToArray() }),
            _ => "not-a-jwt",
        };

        using var response = await client.MercurePublishAsync(presented, token, ("topic", Book1));

        Assert.Contains(reason, await response.ProblemAsync(401, token), StringComparison.Ordinal);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publish_to_a_topic_the_token_does_not_select_is_403_and_publishes_nothing()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync();
        using var client = MercureHubTests.Client(app);
        using var subscription = await client.MercureSubscribeAsync("topic=*", token);
        var publisher = MercureTestTokens.Publisher("https://example.com/books/{id}");

        using var response = await client.MercurePublishAsync(publisher, token, ("topic", Book1), ("topic", "https://example.com/authors/1"), ("id", "refused"));
        await client.MercurePublishOkAsync(publisher, token, ("topic", Book1), ("id", "allowed"));
        using var events = await subscription.EventsAsync(token);

        Assert.Contains("does not select topic 'https://example.com/authors/1'", await response.ProblemAsync(403, token), StringComparison.Ordinal);
        Assert.Equal("allowed", (await events.NextOrThrowAsync(token)).Id);
    }

    [Theory]
    [InlineData("", "", 400, "no topic")]
    [InlineData("topic=/.well-known/mercure/subscriptions/x", "", 403, "reserved")]
    [InlineData("topic=https%3A%2F%2Fhub.example.com%2F.well-known%2Fmercure%2Fsubscriptions", "", 403, "reserved")]
    [InlineData("topic=a&id=%23fragment", "", 400, "starting with '#'")]
    [InlineData("topic=a&id=two%0Alines", "", 400, "printable ASCII")]
    [InlineData("topic=a&id=urn%3Alivre%3A%C3%A9", "", 400, "printable ASCII")]
    [InlineData("topic=a&id=a%01b", "", 400, "printable ASCII")]
    [InlineData("topic=a%01b", "", 400, "control characters")]
    [InlineData("topic=a&type=two%0D%0Alines", "", 400, "one line")]
    [InlineData("topic=a&retry=12a", "", 400, "milliseconds")]
    [InlineData("topic=a&retry=-1", "", 400, "milliseconds")]
    [InlineData("{\"topic\":\"a\"}", "application/json", 415, "x-www-form-urlencoded")]
    public async Task A_malformed_publish_is_refused_with_its_problem_named(string body, string contentType, int status, string named)
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync();
        using var client = MercureHubTests.Client(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, MercureClient.Hub) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType.Length == 0 ? "application/x-www-form-urlencoded" : contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MercureTestTokens.Publisher("*"));

        using var response = await client.SendAsync(request, token);

        Assert.Contains(named, await response.ProblemAsync(status, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_larger_than_the_hub_feed_keeps_is_413_naming_MaxItemBytes()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync();
        using var client = MercureHubTests.Client(app);

        using var response = await client.MercurePublishAsync(MercureTestTokens.Publisher("*"), token, ("topic", Book1), ("data", new string('x', 1_100_000)));

        Assert.Contains("MaxItemBytes", await response.ProblemAsync(413, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_without_a_publisher_key_takes_no_updates()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        using var client = MercureHubTests.Client(app);

        using var response = await client.MercurePublishAsync(MercureTestTokens.Publisher("*"), token, ("topic", Book1));

        Assert.Contains("Mercure:PublisherJwtKey is not set", await response.ProblemAsync(403, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_method_the_hub_does_not_take_gets_a_405_problem_naming_the_ones_it_does()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync();
        using var client = MercureHubTests.Client(app);

        using var response = await client.PutAsync(MercureClient.Hub, null, token);

        Assert.Contains("use GET, POST", await response.ProblemAsync(405, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_turned_off_answers_404_naming_the_setting()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Mercure:Feed", "")));
        using var client = MercureHubTests.Client(app);

        using var subscription = await client.MercureSubscribeAsync("topic=*", token);
        using var publish = await client.MercurePublishAsync(MercureTestTokens.Publisher("*"), token, ("topic", Book1));

        Assert.Contains("Mercure:Feed", await subscription.ProblemAsync(404, token), StringComparison.Ordinal);
        Assert.Contains("Mercure:Feed", await publish.ProblemAsync(404, token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", true, 400, "at least one topic")]
    [InlineData("too-many", true, 400, "more than the 100 taken")]
    [InlineData("complex", true, 400, "more than 10 expressions")]
    [InlineData("topic=*", false, 401, "Mercure:Anonymous is false")]
    public async Task A_subscription_that_cannot_be_served_is_refused_with_its_problem_named(string query, bool anonymous, int status, string named)
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync(anonymous);
        using var client = MercureHubTests.Client(app);

        var address = query switch
        {
            "too-many" => string.Join('&', Enumerable.Range(0, 101).Select(i => $"topic=t{i}")),
            "complex" => "topic=" + Uri.EscapeDataString(string.Concat(Enumerable.Repeat("{+a}", 11))),
            _ => query,
        };

        using var response = await client.MercureSubscribeAsync(address, token);

        Assert.Contains(named, await response.ProblemAsync(status, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscriber_token_that_does_not_verify_is_refused_not_served_as_anonymous()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync(anonymous: true);
        using var client = MercureHubTests.Client(app);

        using var response = await client.MercureSubscribeAsync("topic=*", token, MercureTestTokens.Publisher("*"));

        Assert.Contains("signature does not verify", await response.ProblemAsync(401, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_the_mercure_claim_subscribes_like_an_anonymous_one_and_publishes_nothing()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync(anonymous: false);
        using var client = MercureHubTests.Client(app);
        var bare = MercureTestTokens.Create(MercureTestTokens.SubscriberKey, null);

        using var subscription = await client.MercureSubscribeAsync("topic=*", token, bare);
        using var publish = await client.MercurePublishAsync(MercureTestTokens.Create(MercureTestTokens.PublisherKey, null), token, ("topic", Book1));
        await client.MercurePublishOkAsync(MercureTestTokens.Publisher("*"), token, ("topic", Book1), ("private", "on"), ("id", "private"));
        await client.MercurePublishOkAsync(MercureTestTokens.Publisher("*"), token, ("topic", Book1), ("id", "public"));
        using var events = await subscription.EventsAsync(token);

        Assert.Contains("does not select topic", await publish.ProblemAsync(403, token), StringComparison.Ordinal);
        Assert.Equal("public", (await events.NextOrThrowAsync(token)).Id);
    }

    [Fact]
    public async Task A_token_valid_for_longer_than_a_timer_can_wait_is_served()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync(anonymous: false);
        using var client = MercureHubTests.Client(app);
        var longLived = MercureTestTokens.Create(MercureTestTokens.SubscriberKey, new { subscribe = new[] { "*" } }, TimeSpan.FromDays(400));

        using var subscription = await client.MercureSubscribeAsync("topic=*", token, longLived);
        await client.MercurePublishOkAsync(MercureTestTokens.Publisher("*"), token, ("topic", Book1), ("id", "long"));
        using var events = await subscription.EventsAsync(token);

        Assert.Equal("long", (await events.NextOrThrowAsync(token)).Id);
    }

    [Fact]
    public async Task A_subscriber_token_expired_moments_ago_is_refused_rather_than_served_an_empty_stream()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync(anonymous: false);
        using var client = MercureHubTests.Client(app);
        var expired = MercureTestTokens.Create(MercureTestTokens.SubscriberKey, new { subscribe = new[] { "*" } }, TimeSpan.FromSeconds(-5));

        using var response = await client.MercureSubscribeAsync("topic=*", token, expired);

        Assert.Contains("expired", await response.ProblemAsync(401, token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_ends_when_its_token_expires()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync(anonymous: false);
        using var client = MercureHubTests.Client(app);
        // Long enough to still be valid when a loaded machine gets to the request (exp has whole seconds).
        var expiring = MercureTestTokens.Create(MercureTestTokens.SubscriberKey, new { subscribe = new[] { "*" } }, TimeSpan.FromSeconds(3));

        using var subscription = await client.MercureSubscribeAsync("topic=*", token, expiring);
        using var events = await subscription.EventsAsync(token);

        Assert.Null(await events.NextAsync(token));
    }

    [Fact]
    public async Task RS256_tokens_verify_with_the_configured_public_key()
    {
        var token = TestTimeouts.TestToken();
        using var rsa = RSA.Create(2048);
        await using var app = await MercureHubTests.StartAsync(
            anonymous: false,
            ("Mercure:PublisherJwtAlgorithm", "RS256"),
            ("Mercure:PublisherJwtKey", rsa.ExportSubjectPublicKeyInfoPem()));
        using var client = MercureHubTests.Client(app);
        var signed = MercureTestTokens.Create(new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256), new { publish = new[] { "*" } });
        using var other = RSA.Create(2048);
        var forged = MercureTestTokens.Create(new SigningCredentials(new RsaSecurityKey(other), SecurityAlgorithms.RsaSha256), new { publish = new[] { "*" } });

        var id = await client.MercurePublishOkAsync(signed, token, ("topic", Book1), ("id", "rs"));
        using var refused = await client.MercurePublishAsync(forged, token, ("topic", Book1));
        using var hmac = await client.MercurePublishAsync(MercureTestTokens.Publisher("*"), token, ("topic", Book1));

        Assert.Equal("rs", id);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hmac.StatusCode);
    }

    [Fact]
    public async Task Cors_allows_the_configured_origins_with_credentials_and_no_other()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync(extra: ("Mercure:CorsOrigins:0", "https://app.example.com"));
        using var client = MercureHubTests.Client(app);

        using var allowed = await PreflightAsync(client, "https://app.example.com", token);
        using var other = await PreflightAsync(client, "https://evil.example.net", token);

        Assert.Equal("https://app.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", allowed.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_publish_authorized_by_the_cookie_must_come_from_an_allowed_origin()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await MercureHubTests.StartAsync(extra: ("Mercure:CorsOrigins:0", "https://app.example.com"));
        using var client = MercureHubTests.Client(app);

        var self = app.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var foreign = await CookiePublishAsync(client, "https://evil.example.net", token);
        using var otherScheme = await CookiePublishAsync(client, self.Replace("http://", "https://", StringComparison.Ordinal), token);
        using var otherPort = await CookiePublishAsync(client, $"http://{app.BaseAddress.Host}:1", token);
        using var allowed = await CookiePublishAsync(client, "https://app.example.com", token);
        using var sameOrigin = await CookiePublishAsync(client, self, token);

        Assert.Contains("evil.example.net", await foreign.ProblemAsync(403, token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherScheme.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient client, string origin, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, $"{MercureClient.Hub}?topic=*");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "last-event-id");
        return await client.SendAsync(request, token);
    }

    private static async Task<HttpResponseMessage> CookiePublishAsync(HttpClient client, string origin, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, MercureClient.Hub) { Content = new FormUrlEncodedContent([new("topic", Book1)]) };
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Cookie", "mercureAuthorization=" + MercureTestTokens.Publisher("*"));
        return await client.SendAsync(request, token);
    }
}
