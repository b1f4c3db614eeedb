using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Tributary.Bench;

/// <summary>
/// The default config (console logger, markdown exporters) with one in-process job: generated
/// benchmark projects would inherit this repository's build settings (warnings as errors, analyzers),
/// and the machines have two cores, so a short fixed job keeps a full run to a few minutes
/// while still reporting medians.
/// </summary>
internal static class BenchConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(15))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95);
}
