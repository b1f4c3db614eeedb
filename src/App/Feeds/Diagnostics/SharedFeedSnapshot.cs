namespace Tributary.App.Feeds.Diagnostics;

/// <summary>One shared feed, as <c>/api/stats</c> and the system feed show it.</summary>
/// <param name="State"><c>idle</c>, <c>running</c> or the upstream's last state.</param>
/// <param name="Subscribers">Readers on this instance.</param>
/// <param name="Dropped">Items dropped for slow readers on this instance.</param>
/// <param name="Sequence">The feed's last sequence number this instance has seen.</param>
/// <param name="UpstreamConnections">Upstream connections this instance has opened.</param>
/// <param name="Reconnects">Times this instance lost the upstream and scheduled a new connection.</param>
/// <param name="Producer">Whether this instance runs the feed's producer now (with the PostgreSQL engine,
/// at most one instance does; the others read the log).</param>
public sealed record SharedFeedSnapshot(string State, long Subscribers, long Dropped, long Sequence, long UpstreamConnections, long Reconnects, bool Producer);
