using Npgsql;

namespace Tributary.App.Feeds.Sharing.Postgres;

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
        // TCP keepalives on both ends: a connection waiting on a command (a blocked lock wait) or idle (the
        // listener) notices a server, or a client, that went away within seconds rather than hours.
        builder.TcpKeepAlive = true;
        builder.TcpKeepAliveTime = builder.TcpKeepAliveTime == 0 ? 5 : builder.TcpKeepAliveTime;
        builder.TcpKeepAliveInterval = builder.TcpKeepAliveInterval == 0 ? 1 : builder.TcpKeepAliveInterval;
        builder.CancellationTimeout = 2000;
        Source = NpgsqlDataSource.Create(builder);
        // A session holds the producer lock; a pooled connection would keep it after being "closed" (its reset
        // waits for its next use), so these connections are closed for real. The server drops a session whose
        // client vanished, and a server-wide statement_timeout must not end the lock wait.
        builder.Pooling = false;
        builder.Timeout = 5;
        builder.Options = $"{builder.Options} -c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 -c statement_timeout=0".Trim();
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
