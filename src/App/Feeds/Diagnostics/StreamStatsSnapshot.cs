namespace Tributary.App.Feeds.Diagnostics;

public sealed record StreamStatsSnapshot(
    long ActiveStreams,
    long ActiveProducers,
    long ActiveCircuits,
    long SharedProducers,
    long ItemsSent,
    IReadOnlyDictionary<string, EndpointStatsSnapshot> Endpoints,
    IReadOnlyDictionary<string, SharedFeedSnapshot> Feeds);
