using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// One throwaway PostgreSQL for the engine's tests. Each test works in a schema of its own, so tests never
/// see each other's feeds; they run one at a time (one collection) because some stop the server.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public ThrowawayPostgres Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ThrowawayPostgres.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A schema name no other test uses.</summary>
    public static string NewSchema() => $"t_{Guid.NewGuid():N}"[..20];

    /// <summary>App settings for the PostgreSQL engine in <paramref name="schema"/>, with the given feeds and extra settings.</summary>
    public Dictionary<string, string?> Settings(string schema, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sharing:Engine"] = "Postgres",
            ["Sharing:Postgres:Schema"] = schema,
            ["Sharing:ReconnectMaxDelay"] = "00:00:00.500",
            ["ConnectionStrings:Tributary"] = Server.ConnectionString,
            ["Streaming:MaxStreamsPerClient"] = "500",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A shared counter at 100 items/s that stops as soon as its last reader leaves.</summary>
    public static readonly (string, string?)[] Ticks =
    [
        ("Feeds:100:Name", "ticks"),
        ("Feeds:100:Kind", "counter"),
        ("Feeds:100:Shared", "true"),
        ("Feeds:100:Rate", "100"),
        ("Feeds:100:Linger", "00:00:00"),
    ];

    /// <summary>Runs one SQL statement on the test database, returning its first value (see <see cref="ThrowawayPostgres.ScalarAsync"/>).</summary>
    public Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken) => Server.ScalarAsync(sql, cancellationToken);
}

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
