using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tributary.Tests.Hosting;

/// <summary>Mints the tokens Mercure publishers and subscribers present, as a backend (or the Mercure tooling) would.</summary>
public static class MercureTestTokens
{
    public const string PublisherKey = "publisher-secret-of-at-least-32-bytes!";
    public const string SubscriberKey = "subscriber-secret-of-at-least-32-bytes";

    /// <summary>The hub's settings with both HS256 keys, over the app as shipped.</summary>
    public static IEnumerable<(string Key, string Value)> HubSettings(bool anonymous) =>
    [
        ("Mercure:PublisherJwtKey", PublisherKey),
        ("Mercure:SubscriberJwtKey", SubscriberKey),
        ("Mercure:Anonymous", anonymous ? "true" : "false"),
    ];

    /// <summary>A publisher's token: may publish to <paramref name="topics"/>.</summary>
    public static string Publisher(params string[] topics) => Create(PublisherKey, new { publish = topics });

    /// <summary>A subscriber's token: may receive the private updates of <paramref name="topics"/>.</summary>
    public static string Subscriber(params string[] topics) => Create(SubscriberKey, new { subscribe = topics });

    /// <summary>A token signed with <paramref name="key"/> (HS256) whose <c>mercure</c> claim is <paramref name="mercure"/>.</summary>
    public static string Create(string key, object? mercure, TimeSpan? lifetime = null) =>
        Create(new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256), mercure, lifetime);

    public static string Create(SigningCredentials credentials, object? mercure, TimeSpan? lifetime = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "tests" };
        if (mercure is not null)
        {
            claims["mercure"] = JsonSerializer.SerializeToElement(mercure);
        }

        if (lifetime is { } life)
        {
            claims["exp"] = DateTimeOffset.UtcNow.Add(life).ToUnixTimeSeconds();
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(JsonSerializer.Serialize(claims), credentials);
    }
}
