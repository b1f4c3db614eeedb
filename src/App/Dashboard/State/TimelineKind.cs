namespace Tributary.App.Dashboard.State;

/// <summary>What a timeline row is: a feed's data, one of the stream's control records, or the dashboard's own note.</summary>
public enum TimelineKind
{
    Data,
    Gap,
    Reset,
    Error,
    Status,
    Engine,
    Shutdown,
    End,

    /// <summary>Something the dashboard itself did, e.g. resuming a feed after a lost connection.</summary>
    Note,
}
