using System.Globalization;

namespace Tributary.App.Feeds.Requests;

/// <summary>
/// Where a reader is in one feed: the last sequence number it has, and the epoch that number belongs to
/// (written <c>seq@epoch</c>). A position without an epoch is taken to be in the feed's current numbering.
/// </summary>
public readonly record struct FeedPosition(long Sequence, string? Epoch = null)
{
    /// <summary>Whether the position was written in another numbering than <paramref name="epoch"/>.</summary>
    public bool IsFromAnotherEpoch(string epoch) => Epoch is not null && !string.Equals(Epoch, epoch, StringComparison.Ordinal);

    public override string ToString() => Epoch is null
        ? Sequence.ToString(CultureInfo.InvariantCulture)
        : $"{Sequence.ToString(CultureInfo.InvariantCulture)}@{Epoch}";
}
