using System.IdentityModel.Tokens.Jwt;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Tributary.App.Dashboard.Client;
using Tributary.App.Hubs;
using Tributary.App.Security;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// The app with <c>Auth:Mode=Keys, Jwt</c> on a loopback port and three keys made for the test: <see cref="AllKey"/>
/// (every feed and stats), <see cref="NewsKey"/> (news and idle, no stats) and <see cref="OtherKey"/> (idle only),
/// plus HS256 tokens from <see cref="Token"/>.
/// </summary>
public sealed class SecuredApp : IAsyncDisposable
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "tributary-tests";
    public const string SigningKey = "a-signing-key-for-tests-that-is-long-enough-0123456789";

    private SecuredApp(LoopbackApp app, string allKey, string newsKey, string otherKey)
    {
        App = app;
        AllKey = allKey;
        NewsKey = newsKey;
        OtherKey = otherKey;
    }

    public LoopbackApp App { get; }

    public string AllKey { get; }

    public string NewsKey { get; }

    public string OtherKey { get; }

    public IConfigurationRoot Configuration => (IConfigurationRoot)App.Services.GetRequiredService<IConfiguration>();

    public static async Task<SecuredApp> StartAsync(Action<WebApplicationBuilder>? configure = null, params (string Key, string Value)[] extra)
    {
        var (all, news, other) = (AccessKeys.NewKey(), AccessKeys.NewKey(), AccessKeys.NewKey());
        var settings = StreamApiFixture.TestSettings(
        [
            ("Auth:Mode", "Keys, Jwt"),
            ("Auth:Keys:0:Name", "all"),
            ("Auth:Keys:0:Hash", AccessKeys.HashOf(all)),
            ("Auth:Keys:0:Feeds:0", "*"),
            ("Auth:Keys:0:Stats", "true"),
            ("Auth:Keys:1:Name", "newsroom"),
            ("Auth:Keys:1:Hash", AccessKeys.HashOf(news)),
            ("Auth:Keys:1:Feeds:0", "news"),
            ("Auth:Keys:1:Feeds:1", "idle"),
            ("Auth:Keys:2:Name", "other"),
            ("Auth:Keys:2:Hash", AccessKeys.HashOf(other)),
            ("Auth:Keys:2:Feeds:0", "idle"),
            ("Auth:Jwt:Issuer", Issuer),
            ("Auth:Jwt:Audience", Audience),
            ("Auth:Jwt:SigningKey", SigningKey),
            .. extra,
        ]);
        return new SecuredApp(await LoopbackApp.StartAsync(settings, configure), all, news, other);
    }

    /// <summary>A signed token for <paramref name="feeds"/> (and publishing to <paramref name="publish"/>), valid for <paramref name="lifetime"/> (negative: already expired).</summary>
    public static string Token(string feeds, bool stats = false, TimeSpan? lifetime = null, string audience = Audience, string? publish = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        var claims = new List<Claim> { new("sub", "robot"), new("tributary_feeds", feeds) };
        if (publish is not null)
        {
            claims.Add(new Claim("tributary_publish", publish));
        }

        if (stats)
        {
            claims.Add(new Claim("tributary_stats", "true"));
        }

        var token = new JwtSecurityToken(
            Issuer,
            audience,
            claims,
            notBefore: expires < now ? expires.AddMinutes(-5) : now.AddSeconds(-5),
            expires: expires,
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    /// <summary>A client that sends <paramref name="credential"/> as a bearer token (none when null).</summary>
    public HttpClient Client(string? credential = null)
    {
        var client = new HttpClient { BaseAddress = App.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (credential is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        return client;
    }

    public HubConnection Hub(string? credential) =>
        FeedHubConnection.Build(new Uri(App.BaseAddress, FeedHub.Path), accessToken: () => Task.FromResult(credential));

    /// <summary>Removes a key from the configuration, as an operator editing appsettings.json would, and reloads it.</summary>
    public void Revoke(int keyIndex)
    {
        Configuration[$"Auth:Keys:{keyIndex}:Hash"] = AccessKeys.HashOf(AccessKeys.NewKey());
        Configuration.Reload();
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
