using System.Diagnostics;
using System.Runtime.CompilerServices;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.App.Feeds.Kinds;

/// <summary>Real metrics of the running server: nothing here is simulated.</summary>
internal static class SystemFeed
{
    public static async IAsyncEnumerable<SystemSample> RunAsync(FeedDefinition feed, TimeProvider time, StreamStats stats, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var process = Process.GetCurrentProcess();
        var pacer = new FeedPacer(feed.Rate, time);
        // The first sample averages over the process's life; later ones over the time since the last sample.
        var lastCpu = TimeSpan.Zero;
        var lastSample = process.StartTime.ToUniversalTime();
        while (true)
        {
            if (!await pacer.WaitForNextAsync(cancellationToken))
            {
                yield break;
            }

            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var now = time.GetUtcNow().UtcDateTime;
            var wall = now - lastSample;
            var cpuPercent = wall > TimeSpan.Zero ? (cpu - lastCpu) / wall / Environment.ProcessorCount * 100 : 0;
            (lastCpu, lastSample) = (cpu, now);
            yield return new SystemSample(
                Math.Round(Math.Clamp(cpuPercent, 0, 100), 1),
                process.WorkingSet64,
                GC.GetTotalMemory(forceFullCollection: false),
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                ThreadPool.ThreadCount,
                ThreadPool.PendingWorkItemCount,
                stats.ActiveStreams.Current,
                stats.ActiveProducers.Current,
                stats.SharedProducers.Current,
                stats.Engine,
                stats.Snapshot().Feeds);
        }
    }
}
