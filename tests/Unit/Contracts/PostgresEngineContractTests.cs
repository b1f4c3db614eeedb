using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Contracts;

/// <summary>The shared-feed contract on the PostgreSQL engine, each test in a schema of its own on a real server.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresEngineContractTests(PostgresFixture postgres) : SharedFeedContract
{
    protected override async Task<LoopbackApp> StartAsync(IReadOnlyList<(string Key, string? Value)> settings, CancellationToken cancellationToken) =>
        await LoopbackApp.StartAsync(postgres.Settings(PostgresFixture.NewSchema(), [.. settings]), cancellationToken: cancellationToken);
}
