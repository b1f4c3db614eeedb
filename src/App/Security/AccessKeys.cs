using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.App.Security;

/// <summary>
/// Creates API keys and recognises presented ones. A key is 32 random bytes behind the prefix <c>trb_</c>; only its
/// SHA-256 is configured. A plain hash is enough: the key carries 256 bits of entropy, so there is nothing for a
/// slow hash to protect (as with GitHub's tokens), and recognising a key stays cheap on every request.
/// </summary>
public sealed class AccessKeys(AuthSettings options, TimeProvider timeProvider)
{
    public const string Prefix = "trb_";
    private const string HashPrefix = "sha256:";

    /// <summary>A new random key, to be shown once to whoever will use it.</summary>
    public static string NewKey() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The value to configure as <see cref="AccessKeyOptions.Hash"/> for <paramref name="key"/>.</summary>
    public static string HashOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The configured key that <paramref name="presented"/> is, if it is one and has not expired.</summary>
    public AccessKeyOptions? Find(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (!options.Current.Mode.HasFlag(AuthModes.Keys) || !presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = HashOf(presented);
        return options.Current.Keys.FirstOrDefault(k => Matches(k, hash) && IsCurrent(k));
    }

    /// <summary>The key a principal was authenticated with, if it is still configured, unchanged and unexpired.</summary>
    public AccessKeyOptions? Current(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.FindFirst(TributaryClaims.KeyName)?.Value;
        var hash = user.FindFirst(TributaryClaims.KeyHash)?.Value;
        if (name is null || hash is null || !options.Current.Mode.HasFlag(AuthModes.Keys))
        {
            return null;
        }

        return options.Current.Keys.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.Ordinal) && Matches(k, hash) && IsCurrent(k));
    }

    /// <summary>The principal for a recognised key: its name and hash, from which permissions are looked up afresh.</summary>
    public static ClaimsPrincipal PrincipalFor(AccessKeyOptions key, string scheme, params Claim[] extra)
    {
        ArgumentNullException.ThrowIfNull(key);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(TributaryClaims.KeyName, key.Name), new Claim(TributaryClaims.KeyHash, key.Hash), .. extra],
            scheme);
        return new ClaimsPrincipal(identity);
    }

    private bool IsCurrent(AccessKeyOptions key) => key.Expires is not { } expires || expires > timeProvider.GetUtcNow();

    // Both sides are hashes of secrets, so comparing them leaks nothing; fixed time anyway, as a habit for credentials.
    private static bool Matches(AccessKeyOptions key, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(key.Hash.Trim().ToLowerInvariant()), Encoding.ASCII.GetBytes(hash));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
