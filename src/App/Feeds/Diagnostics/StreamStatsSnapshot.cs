namespace Tributary.App.Feeds.Diagnostics;

public sealed record StreamStatsSnapshot(
    string Engine,
    long ActiveStreams,
    long ActiveProducers,
    long ActiveCircuits,
    long SharedProducers,
    long ItemsSent,
    IReadOnlyDictionary<string, EndpointStatsSnapshot> Endpoints,
    IReadOnlyDictionary<string, SharedFeedSnapshot> Feeds);
