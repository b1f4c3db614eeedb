using System.Net.Sockets;
using Npgsql;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>Which exceptions mean the database is unreachable or went away, and how to say so in a short phrase.</summary>
internal static class PostgresFailure
{
    /// <summary>
    /// The database (or the connection to it) failed, as opposed to a bug or a cancellation: a network error,
    /// or a server error of the classes that mean "not now" (connection exceptions, shutting down or
    /// starting up, out of resources, refused log-in).
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException server => server.SqlState[..2] is "08" or "53" or "57" or "28" or "3D",
        NpgsqlException or SocketException or IOException or TimeoutException => true,
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        InvalidOperationException other => other.Message.Contains("Connection is not open", StringComparison.Ordinal)
            || other.Message.Contains("connection is broken", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>A short reason without connection details (the message of a server error, or the kind of failure).</summary>
    public static string Reason(Exception exception) => exception switch
    {
        PostgresException server => $"{server.SqlState}: {server.MessageText}",
        NpgsqlException { InnerException: SocketException socket } => $"connection failed: {socket.SocketErrorCode}",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "timed out",
        NpgsqlException { InnerException: IOException } or IOException => "the connection was closed",
        SocketException socket => $"connection failed: {socket.SocketErrorCode}",
        _ => exception.GetType().Name,
    };
}
