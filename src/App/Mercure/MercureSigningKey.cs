using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Tributary.App.Mercure;

/// <summary>The key a <c>Mercure:…JwtKey</c> setting holds, for its algorithm.</summary>
internal static class MercureSigningKey
{
    /// <summary>The verifying key, or null with the reason the setting does not hold one.</summary>
    public static SecurityKey? TryCreate(string key, string algorithm, out string? error)
    {
        error = null;
        switch (algorithm)
        {
            case MercureAlgorithms.Hs256:
                var secret = Encoding.UTF8.GetBytes(key);
                if (secret.Length < 32)
                {
                    error = $"an HS256 key must be at least 32 bytes (256 bits), but this one is {secret.Length}.";
                    return null;
                }

                return new SymmetricSecurityKey(secret);
            case MercureAlgorithms.Rs256:
                var rsa = RSA.Create();
                try
                {
                    rsa.ImportFromPem(key);
                    return new RsaSecurityKey(rsa);
                }
                catch (ArgumentException invalid)
                {
                    rsa.Dispose();
                    error = $"an RS256 key must be a PEM public key (-----BEGIN PUBLIC KEY-----…): {invalid.Message}";
                    return null;
                }

            default:
                error = $"the algorithm '{algorithm}' is not {MercureAlgorithms.Hs256} or {MercureAlgorithms.Rs256}.";
                return null;
        }
    }
}
