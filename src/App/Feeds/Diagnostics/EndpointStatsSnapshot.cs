namespace Tributary.App.Feeds.Diagnostics;

public sealed record EndpointStatsSnapshot(long ActiveStreams, long TotalStreams, long ItemsSent);
