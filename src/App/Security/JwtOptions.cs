namespace Tributary.App.Security;

/// <summary>The <c>Auth:Jwt</c> section: how bearer tokens are validated and which claims carry permissions.</summary>
public sealed class JwtOptions
{
    /// <summary>The expected <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The expected <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>A shared HS256 signing key (at least 32 bytes of UTF-8), for tokens issued by a system you run.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect authority whose published keys sign the tokens; used instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>The claim listing the feeds a token may watch (space- or comma-separated, or repeated; <c>*</c> for all).</summary>
    public string FeedsClaim { get; set; } = "tributary_feeds";

    /// <summary>The claim listing the push feeds a token may publish to (as <see cref="FeedsClaim"/> lists feeds to watch).</summary>
    public string PublishClaim { get; set; } = "tributary_publish";

    /// <summary>The claim that grants the stats permission when it is <c>true</c>.</summary>
    public string StatsClaim { get; set; } = "tributary_stats";
}
