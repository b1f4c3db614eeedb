namespace Tributary.App.Feeds.Diagnostics;

/// <summary>What <c>/api/stats</c> answers: this instance's live counters, per endpoint and per shared feed.</summary>
/// <param name="Engine"><c>memory</c> or <c>postgres</c>.</param>
/// <param name="Instance">Which server process this is (<c>host-pid</c>), so several behind a load balancer can be told apart.</param>
/// <param name="ActiveStreams">Streams open now, on every endpoint.</param>
/// <param name="ActiveProducers">Producers running for those streams.</param>
/// <param name="ActiveCircuits">Dashboard tabs connected now.</param>
/// <param name="SharedProducers">Shared feeds this instance produces now.</param>
/// <param name="ItemsSent">Items written to every stream since start.</param>
/// <param name="Endpoints">Per endpoint: its streams, items, bytes, gaps and resets.</param>
/// <param name="Feeds">Per shared feed this instance has served: its state here.</param>
public sealed record StreamStatsSnapshot(
    string Engine,
    string Instance,
    long ActiveStreams,
    long ActiveProducers,
    long ActiveCircuits,
    long SharedProducers,
    long ItemsSent,
    IReadOnlyDictionary<string, EndpointStatsSnapshot> Endpoints,
    IReadOnlyDictionary<string, SharedFeedSnapshot> Feeds);
