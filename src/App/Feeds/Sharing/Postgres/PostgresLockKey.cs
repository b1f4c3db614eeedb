using System.Security.Cryptography;
using System.Text;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// The 64-bit advisory lock key for a name in a schema: the first 8 bytes of its SHA-256, so every instance
/// computes the same key and two feeds collide with a chance of 1 in 2^64.
/// </summary>
internal static class PostgresLockKey
{
    public static long For(string schema, string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"tributary/{schema}/{name}")), 0);
}
