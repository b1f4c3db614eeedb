namespace Tributary.App.Dashboard.Client;

/// <summary>The part of <c>GET /api/stats</c> the dashboard shows.</summary>
public sealed record ServerStats(long ActiveStreams, long ActiveProducers, long ActiveCircuits);
