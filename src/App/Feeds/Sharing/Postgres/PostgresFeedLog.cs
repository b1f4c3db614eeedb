using Npgsql;
using NpgsqlTypes;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// The engine's SQL: a feed's head row, its log of items, appends in batches (one round trip, woken
/// readers through <c>NOTIFY</c> when it commits), reads by sequence, the history window, trimming, and the
/// advisory lock that makes one instance the feed's producer.
/// </summary>
internal sealed class PostgresFeedLog(PostgresDatabase database, string schema)
{
    /// <summary>The <c>NOTIFY</c> channel: its payload is the feed whose log grew.</summary>
    public string Channel { get; } = $"{schema}_items";

    public string Schema => schema;

    /// <summary>The feed's head, creating it (with a new epoch) on first use.</summary>
    public async Task<PostgresFeedHead> OpenFeedAsync(string feed, CancellationToken cancellationToken)
    {
        await using var batch = database.Source.CreateBatch();
        batch.BatchCommands.Add(Command($"insert into {schema}.feeds (name, epoch) values ($1, $2) on conflict (name) do nothing", feed, new NpgsqlParameter { Value = FeedEpoch.New() }));
        batch.BatchCommands.Add(Command($"select epoch, last_seq, producer from {schema}.feeds where name = $1", feed));
        return await ReadHeadAsync(batch, cancellationToken);
    }

    /// <summary>
    /// The first sequence still in the feed's history: within its last <c>HistoryLength</c> items and, with a
    /// <c>HistoryRetention</c>, no older than that; one past the last item if nothing is.
    /// </summary>
    public async Task<long> WindowStartAsync(FeedDefinition feed, long lastSequence, CancellationToken cancellationToken)
    {
        var floor = lastSequence - feed.HistoryLength;
        if (feed.HistoryRetention is null)
        {
            return floor + 1;
        }

        await using var command = database.Source.CreateCommand(
            $"select min(seq) from {schema}.items where feed = $1 and seq > $2 and ts >= now() - $3 and kind <> {(short)PostgresRowKind.Failure}");
        command.Parameters.Add(new NpgsqlParameter { Value = feed.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = floor });
        command.Parameters.Add(new NpgsqlParameter { Value = feed.HistoryRetention.Value });
        return await command.ExecuteScalarAsync(cancellationToken) is long first ? first : lastSequence + 1;
    }

    /// <summary>Up to <paramref name="limit"/> rows after <paramref name="after"/> and up to <paramref name="upTo"/>, in order.</summary>
    public async Task<List<PostgresLogRow>> ReadAsync(string feed, long after, int limit, CancellationToken cancellationToken, long upTo = long.MaxValue)
    {
        await using var command = database.Source.CreateCommand(
            $"select seq, ts, kind, data, gap from {schema}.items where feed = $1 and seq > $2 and seq <= $4 order by seq limit $3");
        command.Parameters.Add(new NpgsqlParameter { Value = feed });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = upTo });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PostgresLogRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PostgresLogRow(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                (PostgresRowKind)reader.GetInt16(2),
                reader.GetString(3),
                await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4)));
        }

        return rows;
    }

    /// <summary>
    /// Waits, on <paramref name="connection"/>, until this session holds the feed's producer lock. The lock
    /// lasts as long as the session: if the instance dies or loses the connection, PostgreSQL lets it go.
    /// </summary>
    /// <returns>True when another session held the lock and this one waited for it to be handed over.</returns>
    public async Task<bool> LockAsync(NpgsqlConnection connection, string feed, CancellationToken cancellationToken)
    {
        var key = PostgresLockKey.For(schema, feed);
        await using (var attempt = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection))
        {
            attempt.Parameters.Add(new NpgsqlParameter { Value = key });
            if (await attempt.ExecuteScalarAsync(cancellationToken) is true)
            {
                return false;
            }
        }

        await using var command = new NpgsqlCommand("select pg_advisory_lock($1)", connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    /// <summary>Records <paramref name="instance"/> as the feed's producer; returns the head as it was before.</summary>
    public async Task<PostgresFeedHead> ClaimAsync(NpgsqlConnection connection, string feed, string instance, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command($"insert into {schema}.feeds (name, epoch) values ($1, $2) on conflict (name) do nothing", feed, new NpgsqlParameter { Value = FeedEpoch.New() }),
                Command(
                    $"""
                    with previous as (select name, epoch, last_seq, producer, source_position from {schema}.feeds where name = $1 for update)
                    update {schema}.feeds f set producer = $2 from previous where f.name = previous.name
                    returning previous.epoch, previous.last_seq, previous.producer, previous.source_position
                    """,
                    feed,
                    new NpgsqlParameter { Value = instance }),
            },
        };
        return await ReadHeadAsync(batch, cancellationToken);
    }

    /// <summary>Hands the feed back cleanly: no producer, and the lock released.</summary>
    public async Task ReleaseAsync(NpgsqlConnection connection, string feed, string instance, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command($"update {schema}.feeds set producer = null where name = $1 and producer = $2", feed, new NpgsqlParameter { Value = instance }),
                Command("select pg_advisory_unlock($1)", PostgresLockKey.For(schema, feed)),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Appends rows in one round trip and one transaction: the rows, the feed's new last sequence and, when the rows
    /// moved it, where its source is (<paramref name="sourcePosition"/>), and a notification that wakes every
    /// instance's reader when it commits. <paramref name="replacePosition"/> writes <paramref name="sourcePosition"/> even
    /// when it is null: the kept one belongs to a source the feed no longer reads.
    /// </summary>
    /// <exception cref="InvalidOperationException">The feed's row no longer names this instance as its producer.</exception>
    public async Task AppendAsync(NpgsqlConnection connection, string feed, string instance, IReadOnlyList<PostgresLogRow> rows, string? sourcePosition, bool replacePosition, CancellationToken cancellationToken)
    {
        var sequences = new long[rows.Count];
        var timestamps = new DateTimeOffset[rows.Count];
        var kinds = new short[rows.Count];
        var data = new string[rows.Count];
        var gaps = new string?[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            (sequences[i], timestamps[i], kinds[i], data[i], gaps[i]) = (rows[i].Sequence, rows[i].Timestamp, (short)rows[i].Kind, rows[i].Data, rows[i].Gap);
        }

        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command(
                    $"insert into {schema}.items (feed, seq, ts, kind, data, gap) select $1, * from unnest($2::bigint[], $3::timestamptz[], $4::smallint[], $5::text[], $6::text[])",
                    feed,
                    new NpgsqlParameter { Value = sequences, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
                    new NpgsqlParameter { Value = timestamps, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                    new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint },
                    new NpgsqlParameter { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    new NpgsqlParameter { Value = gaps, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text }),
                Command(
                    $"update {schema}.feeds set last_seq = $2, source_position = case when $5 then $4 else coalesce($4, source_position) end where name = $1 and producer = $3",
                    feed,
                    new NpgsqlParameter { Value = sequences[^1] },
                    new NpgsqlParameter { Value = instance },
                    new NpgsqlParameter { Value = (object?)sourcePosition ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter { Value = replacePosition }),
                Command("select pg_notify($1, $2)", Channel, new NpgsqlParameter { Value = feed }),
            },
        };
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        batch.Transaction = transaction;
        await batch.ExecuteNonQueryAsync(cancellationToken);
        // Fencing: if the feed's row was replaced or claimed by another instance, this one must stop writing.
        if (batch.BatchCommands[1].RecordsAffected != 1)
        {
            throw new InvalidOperationException($"This instance is no longer the producer of feed '{feed}' (its row in {schema}.feeds names another, or was recreated).");
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> of the feed's oldest rows that are outside its history;
    /// returns how many it deleted (the caller comes back for more while that is the limit).
    /// </summary>
    public async Task<int> TrimAsync(NpgsqlConnection connection, FeedDefinition feed, long lastSequence, int limit, CancellationToken cancellationToken)
    {
        var keepFrom = lastSequence - feed.HistoryLength + 1;
        await using var command = new NpgsqlCommand(
            $"""
            delete from {schema}.items where feed = $1 and seq in (
                select seq from {schema}.items where feed = $1 and seq < greatest($2, coalesce(
                    (select min(seq) from {schema}.items where feed = $1 and $3::interval is not null and ts >= now() - $3::interval), $2))
                order by seq limit $4)
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = feed.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = keepFrom });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)feed.HistoryRetention ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The head is the last command's only row.
    private static async Task<PostgresFeedHead> ReadHeadAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (!await reader.ReadAsync(cancellationToken))
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("The feed's head row was not returned.");
            }
        }

        return new PostgresFeedHead(
            reader.GetString(0),
            reader.GetInt64(1),
            await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetString(2),
            reader.FieldCount > 3 && !await reader.IsDBNullAsync(3, cancellationToken) ? reader.GetString(3) : null);
    }

    private static NpgsqlBatchCommand Command(string sql, object first, params NpgsqlParameter[] rest)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(first as NpgsqlParameter ?? new NpgsqlParameter { Value = first });
        foreach (var parameter in rest)
        {
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
