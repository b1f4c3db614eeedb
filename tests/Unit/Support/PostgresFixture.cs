using Npgsql;
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

    /// <summary>Runs one SQL statement on the test database, returning its first value.</summary>
    /// <remarks>
    /// On a connection of its own, not a pooled one: a pooled connection would outlive the test, and a later test
    /// that restarts the server would leave it broken for the next statement of whichever test comes after.
    /// </remarks>
    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
