using System.Security.Cryptography;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// Names a feed's numbering. A new epoch starts whenever the numbering starts over (an in-memory feed in a
/// new process, a PostgreSQL log that was created afresh), so a resume position from an old one is refused
/// with a <c>reset</c> rather than answered with items that merely share its number.
/// </summary>
public static class FeedEpoch
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>A new random epoch: 12 characters of <c>[a-z2-7]</c> (60 bits).</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, 12);
}
