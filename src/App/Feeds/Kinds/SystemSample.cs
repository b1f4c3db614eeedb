using Tributary.App.Feeds.Diagnostics;

namespace Tributary.App.Feeds.Kinds;

/// <summary>A sample of the server process's own metrics.</summary>
public sealed record SystemSample(
    double CpuPercent,
    long WorkingSetBytes,
    long GcHeapBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    int ThreadPoolThreads,
    long ThreadPoolQueueLength,
    long ActiveStreams,
    long ActiveProducers,
    long SharedProducers,
    string Engine,
    IReadOnlyDictionary<string, SharedFeedSnapshot> Feeds);
