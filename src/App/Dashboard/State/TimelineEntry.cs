namespace Tributary.App.Dashboard.State;

/// <summary>One row of the timeline, with the record it came from.</summary>
public sealed record TimelineEntry(long Id, DateTimeOffset Timestamp, string Feed, long Sequence, string Summary, TimelineKind Kind = TimelineKind.Data)
{
    public bool IsData => Kind == TimelineKind.Data;

    /// <summary>The record as received; null for rows made without one.</summary>
    public Client.FeedRecord? Record { get; init; }
}
