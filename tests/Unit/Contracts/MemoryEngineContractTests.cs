using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Contracts;

/// <summary>The shared-feed contract on the memory engine.</summary>
public sealed class MemoryEngineContractTests : SharedFeedContract
{
    protected override async Task<LoopbackApp> StartAsync(IReadOnlyList<(string Key, string? Value)> settings, CancellationToken cancellationToken) =>
        await LoopbackApp.StartAsync(StreamApiFixture.TestSettings([.. settings.Select(s => (s.Key, s.Value ?? ""))]), cancellationToken: cancellationToken);
}
