using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace Tributary.App.Mercure;

/// <summary>
/// Verifies the tokens publishers and subscribers present to the hub (each role with its own key) and reads their
/// <c>mercure</c> claim. The token comes in the <c>Authorization</c> header, else in the hub's cookie; the header wins.
/// </summary>
internal sealed class MercureTokens
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters? _publishers;
    private readonly TokenValidationParameters? _subscribers;
    private readonly string _cookie;

    public MercureTokens(IOptions<MercureOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _publishers = Parameters(settings.PublisherJwtKey, settings.PublisherJwtAlgorithm);
        _subscribers = Parameters(settings.SubscriberJwtKey, settings.SubscriberJwtAlgorithm);
        _cookie = settings.CookieName;
    }

    /// <summary>Whether publishers' tokens can be verified at all (a key is set).</summary>
    public bool TakesPublishers => _publishers is not null;

    /// <summary>The publisher's credential in <paramref name="request"/>.</summary>
    public Task<MercureCredential> PublisherAsync(HttpRequest request) => ReadAsync(request, _publishers, "Mercure:PublisherJwtKey");

    /// <summary>The subscriber's credential in <paramref name="request"/>.</summary>
    public Task<MercureCredential> SubscriberAsync(HttpRequest request) => ReadAsync(request, _subscribers, "Mercure:SubscriberJwtKey");

    private async Task<MercureCredential> ReadAsync(HttpRequest request, TokenValidationParameters? parameters, string keySetting)
    {
        var (token, fromCookie) = TokenIn(request);
        if (token is null)
        {
            return MercureCredential.None;
        }

        if (parameters is null)
        {
            return new MercureCredential(null, $"this hub verifies no such token: {keySetting} is not set.");
        }

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken verified)
        {
            return new MercureCredential(null, Reason(result.Exception));
        }

        return ClaimOf(verified, fromCookie);
    }

    private (string? Token, bool FromCookie) TokenIn(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (header.Length > 0)
        {
            return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? (header[7..].Trim(), false) : (header, false);
        }

        return request.Cookies.TryGetValue(_cookie, out var cookie) && cookie.Length > 0 ? (cookie, true) : (null, false);
    }

    private static MercureCredential ClaimOf(JsonWebToken token, bool fromCookie)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        DateTimeOffset? expires = token.ValidTo == DateTime.MinValue ? null : new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        if (!payload.RootElement.TryGetProperty("mercure", out var mercure) || mercure.ValueKind == JsonValueKind.Null)
        {
            // A verified token without the claim allows nothing beyond what anonymous callers get, as in the reference hub.
            return new MercureCredential(new MercureGrant(TopicSelectors.None, TopicSelectors.None, expires, fromCookie), null);
        }

        if (mercure.ValueKind != JsonValueKind.Object)
        {
            return new MercureCredential(null, "the token's 'mercure' claim is not an object with 'publish' and/or 'subscribe' lists of topic selectors.");
        }

        var publish = Selectors(mercure, "publish", out var error);
        var subscribe = error is null ? Selectors(mercure, "subscribe", out error) : null;
        if (error is not null)
        {
            return new MercureCredential(null, error);
        }

        return new MercureCredential(new MercureGrant(publish!, subscribe!, expires, fromCookie), null);
    }

    private static TopicSelectors? Selectors(JsonElement mercure, string name, out string? error)
    {
        error = null;
        if (!mercure.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return TopicSelectors.None;
        }

        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            error = $"the token's mercure.{name} claim is not a list of topic selectors (strings).";
            return null;
        }

        var selectors = TopicSelectors.TryParse(list.EnumerateArray().Select(e => e.GetString()!), out var invalid);
        error = invalid is null ? null : $"the token's mercure.{name} claim has an invalid selector: {invalid}.";
        return selectors;
    }

    private static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "the token has expired.",
        SecurityTokenNotYetValidException => "the token is not valid yet.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not verify with this hub's key.",
        SecurityTokenInvalidAlgorithmException => "the token is signed with another algorithm than this hub's key is for.",
        SecurityTokenMalformedException or ArgumentException => "the value is not a JWT.",
        _ => "the token could not be verified.",
    };

    private static TokenValidationParameters? Parameters(string key, string algorithm) =>
        key.Length == 0 || MercureSigningKey.TryCreate(key, algorithm, out _) is not { } signingKey
            ? null
            : new TokenValidationParameters
            {
                IssuerSigningKey = signingKey,
                ValidAlgorithms = [algorithm],
                ValidateIssuer = false,
                ValidateAudience = false,
                ValidateLifetime = true,
                // Tokens minted by publishers' own code often carry no expiry; one that does is held to it.
                RequireExpirationTime = false,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
}
