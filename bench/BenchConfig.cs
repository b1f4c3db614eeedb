using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Tributary.Bench;

/// <summary>
/// In-process runs: BenchmarkDotNet's generated projects would inherit this repository's build settings
/// (self-contained RID, warnings as errors), and the machines have two cores, so a short, fixed job keeps a
/// full run to a few minutes while still reporting medians.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(15));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
