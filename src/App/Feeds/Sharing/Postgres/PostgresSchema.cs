using Npgsql;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// Creates and migrates the engine's tables. Every step runs in one transaction under an advisory lock, so
/// instances that start together take turns and the second finds the work done; the schema's version
/// table says which steps have run.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The version this code needs; each entry of <see cref="Steps"/> moves one version up.</summary>
    public static int Version => Steps.Length;

    private static readonly string[] Steps =
    [
        // 1: the feeds (their epoch, last sequence and current producer) and their log.
        """
        create table {0}.feeds (
            name text primary key,
            epoch text not null,
            last_seq bigint not null default 0,
            producer text,
            created timestamptz not null default now());
        create table {0}.items (
            feed text not null,
            seq bigint not null,
            ts timestamptz not null,
            kind smallint not null,
            data text not null,
            gap text,
            primary key (feed, seq));
        """,
    ];

    public static async Task MigrateAsync(NpgsqlDataSource source, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "select pg_advisory_xact_lock($1)", cancellationToken, PostgresLockKey.For(schema, "schema"));
        await ExecuteAsync(connection, $"create schema if not exists {schema}", cancellationToken);
        await ExecuteAsync(connection, $"create table if not exists {schema}.schema_version (version int not null)", cancellationToken);
        await using (var read = new NpgsqlCommand($"select max(version) from {schema}.schema_version", connection))
        {
            var current = await read.ExecuteScalarAsync(cancellationToken) is int version ? version : 0;
            if (current > Version)
            {
                throw new InvalidOperationException($"Schema '{schema}' is at version {current}, newer than this build's {Version}: run a newer build, or use another Sharing:Postgres:Schema.");
            }

            for (var step = current; step < Version; step++)
            {
                await ExecuteAsync(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, Steps[step], schema), cancellationToken);
            }

            if (current < Version)
            {
                await ExecuteAsync(connection, $"delete from {schema}.schema_version; insert into {schema}.schema_version values ({Version})", cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
