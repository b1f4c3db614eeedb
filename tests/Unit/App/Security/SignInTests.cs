using System.Net;
using System.Text.RegularExpressions;
using Tributary.App.Security;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Security;

/// <summary>The dashboard's sign-in: a key for an HttpOnly, SameSite=Strict cookie; sign-out revokes it.</summary>
public sealed partial class SignInTests
{
    [Fact]
    public async Task A_signed_out_visitor_of_the_dashboard_is_sent_to_sign_in()
    {
        await using var app = await SecuredApp.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.App.BaseAddress };

        using var response = await client.GetAsync("/?feeds=news", TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=%2F%3Ffeeds%3Dnews", response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_with_a_key_sets_a_strict_http_only_cookie_that_opens_the_dashboard_and_signing_out_revokes_it()
    {
        await using var app = await SecuredApp.StartAsync();
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = app.App.BaseAddress };
        var token = TestTimeouts.TestToken();

        using var signedIn = await SignInAsync(client, app.NewsKey, "/raw", token);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(SecurityServices.CookieName, StringComparison.Ordinal));
        using var dashboard = await client.GetAsync("/", token);
        using var feeds = await client.GetAsync("/api/feeds", token);
        var stolen = cookies.GetCookieHeader(app.App.BaseAddress);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(new Uri(app.App.BaseAddress, "/raw"), new Uri(app.App.BaseAddress, signedIn.Headers.Location!));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(app.NewsKey, setCookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Signed in as", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, feeds.StatusCode);

        using var signedOut = await SignOutAsync(client, await dashboard.Content.ReadAsStringAsync(), token);
        using var replay = new HttpClient { BaseAddress = app.App.BaseAddress };
        replay.DefaultRequestHeaders.Add("Cookie", stolen);
        using var replayed = await replay.GetAsync("/api/feeds", token);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_message_and_no_cookie()
    {
        await using var app = await SecuredApp.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = app.App.BaseAddress };

        using var response = await SignInAsync(client, "trb_wrong", "/", TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That key is not valid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var set) && set.Any(c => c.StartsWith(SecurityServices.CookieName, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sign_in_never_returns_to_another_site()
    {
        await using var app = await SecuredApp.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = app.App.BaseAddress };

        using var response = await SignInAsync(client, app.NewsKey, "//evil.example/", TestTimeouts.TestToken());

        Assert.Equal(new Uri(app.App.BaseAddress, "/"), new Uri(app.App.BaseAddress, response.Headers.Location!));
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, string returnUrl, CancellationToken token)
    {
        var form = await client.GetStringAsync($"/signin?ReturnUrl={Uri.EscapeDataString(returnUrl)}", token);
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = Antiforgery(form),
            ["Input.Key"] = key,
            ["Input.ReturnUrl"] = returnUrl,
        };
        return await client.PostAsync("/signin", new FormUrlEncodedContent(fields), token);
    }

    private static Task<HttpResponseMessage> SignOutAsync(HttpClient client, string page, CancellationToken token) =>
        client.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Antiforgery(page),
            ["signout"] = "true",
        }), token);

    private static string Antiforgery(string html) => WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
