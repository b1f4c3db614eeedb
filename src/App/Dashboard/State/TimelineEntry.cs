using Tributary.App.Dashboard.Client;

namespace Tributary.App.Dashboard.State;

/// <summary>One row of the timeline, with the record it came from (its details open under the row).</summary>
public sealed record TimelineEntry(long Id, DateTimeOffset Timestamp, string Feed, long Sequence, string Summary, TimelineKind Kind = TimelineKind.Data)
{
    public bool IsData => Kind == TimelineKind.Data;

    /// <summary>The record as received; null for rows made without one.</summary>
    public FeedRecord? Record { get; init; }

    /// <summary>Whether the item is from the feed's history (sent before this view started), not live.</summary>
    public bool FromHistory { get; init; }
}
