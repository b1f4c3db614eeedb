namespace Tributary.App.Dashboard.State;

/// <summary>One row of the timeline.</summary>
public sealed record TimelineEntry(long Id, DateTimeOffset Timestamp, string Feed, long Sequence, string Summary, TimelineKind Kind = TimelineKind.Data)
{
    public bool IsData => Kind == TimelineKind.Data;
}
