namespace Tributary.App.Mercure;

/// <summary>The signature algorithms the hub verifies tokens with, as written in the <c>Mercure</c> section.</summary>
public static class MercureAlgorithms
{
    /// <summary>HMAC with SHA-256 and a shared secret of at least 32 bytes.</summary>
    public const string Hs256 = "HS256";

    /// <summary>RSA with SHA-256; the setting holds the PEM public key.</summary>
    public const string Rs256 = "RS256";
}
