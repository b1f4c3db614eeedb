using Npgsql;

namespace Tributary.App.Feeds.Postgres;

/// <summary>
/// The engine's connections: one data source for the configured database, with an application name that
/// says which instance a connection belongs to (so <c>pg_stat_activity</c> tells instances apart), and a
/// description of the server that never carries the password.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public PostgresDatabase(string connectionString, string instance)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Where = $"{builder.Host ?? "localhost"}:{builder.Port}/{builder.Database ?? builder.Username ?? "postgres"}";
        builder.ApplicationName = $"tributary/{instance}";
        // An idle connection (the listener, a blocked lock wait) notices a server that went away.
        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = 5;
        }

        Source = NpgsqlDataSource.Create(builder);
        // A session holds the producer lock; a pooled connection would keep it after being "closed" (its reset
        // waits for its next use), so these connections are closed for real.
        builder.Pooling = false;
        SessionSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary><c>host:port/database</c>, for messages and logs.</summary>
    public string Where { get; }

    /// <summary>Pooled connections, for reads and short statements.</summary>
    public NpgsqlDataSource Source { get; }

    /// <summary>Unpooled connections, for sessions whose state matters: the producer's lock, the listener.</summary>
    public NpgsqlDataSource SessionSource { get; }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await SessionSource.DisposeAsync();
    }
}
