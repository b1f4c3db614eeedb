using System.Globalization;
using System.Security.Claims;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Security;

/// <summary>
/// Turns a caller into its <see cref="FeedPermissions"/>, the one answer every entry point uses. A key's permissions
/// are read from the current configuration each time, so editing or removing a key applies to the next request
/// and, through <see cref="AccessWatch"/>, ends its open streams.
/// </summary>
public sealed class FeedAccess(AuthSettings options, AccessKeys keys, SignedOutSessions signedOut, TimeProvider timeProvider)
{
    public bool Enabled => options.Current.Enabled;

    public FeedPermissions For(ClaimsPrincipal? user)
    {
        if (!Enabled)
        {
            return FeedPermissions.Everything;
        }

        if (user?.Identity?.IsAuthenticated != true || signedOut.Contains(user))
        {
            return FeedPermissions.Nothing;
        }

        if (user.HasClaim(c => c.Type == TributaryClaims.KeyName))
        {
            return keys.Current(user) is { } key ? new FeedPermissions(key.Feeds, key.Stats, $"key '{key.Name}'", key.Publish) : FeedPermissions.Nothing;
        }

        // A token past its exp (a hub connection can outlive it) is worth nothing, whatever its claims say.
        return ExpiresAt(user) is { } end && end <= timeProvider.GetUtcNow() ? FeedPermissions.Nothing : FromToken(user);
    }

    /// <summary>When the caller's credential stops working, if it has an end: a key's <c>Expires</c> or a token's <c>exp</c>.</summary>
    public DateTimeOffset? ExpiresAt(ClaimsPrincipal? user)
    {
        if (!Enabled || user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        if (user.HasClaim(c => c.Type == TributaryClaims.KeyName))
        {
            return keys.Current(user)?.Expires;
        }

        return long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : null;
    }

    /// <summary>Whether the caller's credential has been revoked or has expired since it was accepted.</summary>
    public bool HasEnded(ClaimsPrincipal user) => Enabled && For(user) == FeedPermissions.Nothing;

    private FeedPermissions FromToken(ClaimsPrincipal user)
    {
        var jwt = options.Current.Jwt;
        var stats = string.Equals(user.FindFirst(jwt.StatsClaim)?.Value, "true", StringComparison.OrdinalIgnoreCase);
        var who = user.Identity?.Name ?? user.FindFirst("sub")?.Value ?? "this token";
        return new FeedPermissions(Listed(user, jwt.FeedsClaim), stats, $"token of '{who}'", Listed(user, jwt.PublishClaim));
    }

    // A claim listing feed names: space- or comma-separated, or repeated.
    private static IEnumerable<string> Listed(ClaimsPrincipal user, string claim) =>
        user.FindAll(claim).SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
