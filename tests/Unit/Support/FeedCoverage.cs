using Tributary.Streaming.Records;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// What a reader of a shared feed knows about each number after its start: the items it got, and the numbers
/// its <c>gap</c> and <c>reset</c> records told it it would not get. Every number must be one or the other.
/// </summary>
internal static class FeedCoverage
{
    /// <summary>The numbers after <paramref name="after"/> that the items deliver or account for, in order, each once.</summary>
    public static IReadOnlyList<long> Of(IEnumerable<FeedItem<object>> items, long after)
    {
        var covered = new SortedSet<long>();
        var cursor = after;
        foreach (var item in items)
        {
            switch (item.Data)
            {
                case FeedControl { Kind: FeedControlKind.Reset }:
                    AddRange(covered, cursor + 1, item.Sequence);
                    cursor = Math.Max(cursor, item.Sequence);
                    break;
                case FeedControl { Kind: FeedControlKind.Gap, Skipped: { } skipped }:
                    AddRange(covered, item.Sequence - skipped, item.Sequence - 1);
                    break;
                case FeedControl:
                    break;
                default:
                    Assert.True(covered.Add(item.Sequence), $"seq {item.Sequence} was delivered twice, or after a record that said it would not be");
                    cursor = item.Sequence;
                    break;
            }
        }

        return [.. covered];
    }

    private static void AddRange(SortedSet<long> covered, long first, long last)
    {
        for (var sequence = first; sequence <= last; sequence++)
        {
            covered.Add(sequence);
        }
    }
}
