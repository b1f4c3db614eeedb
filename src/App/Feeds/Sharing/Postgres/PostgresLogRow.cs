namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// One row of a feed's log. <c>Gap</c> is set on the first row a producer wrote after one that stopped
/// without handing over: it says why items may be missing before it.
/// </summary>
internal sealed record PostgresLogRow(long Sequence, DateTimeOffset Timestamp, PostgresRowKind Kind, string Data, string? Gap);
