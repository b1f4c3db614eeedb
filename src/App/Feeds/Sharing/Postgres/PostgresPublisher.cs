using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// Publishing with the PostgreSQL engine: each publish is one transaction (the request's idempotency key, then every
/// item through <c>publish_entries</c>, the function SQL publishers' <c>publish</c> calls inside their own transactions), so a
/// publish that returns is committed, and one that fails left nothing. Readers on every instance are woken when it
/// commits.
/// </summary>
internal sealed class PostgresPublisher(PostgresDatabase database, string schema)
{
    /// <summary>
    /// Marks the catalog's push feeds in the feeds table, with the item size limit and idempotency window the SQL
    /// function applies (the instance that started last sets them).
    /// </summary>
    public async Task ConfigureAsync(IReadOnlyList<FeedDefinition> pushFeeds, TimeSpan idWindow, CancellationToken cancellationToken)
    {
        await using var batch = database.Source.CreateBatch();
        foreach (var feed in pushFeeds)
        {
            batch.BatchCommands.Add(Command(
                $"""
                insert into {schema}.feeds (name, epoch, push, max_item_bytes, id_window, hub) values ($1, $2, true, $3, $4, $5)
                on conflict (name) do update set push = true, max_item_bytes = excluded.max_item_bytes, id_window = excluded.id_window, hub = excluded.hub
                """,
                feed.Name,
                FeedEpoch.New(),
                feed.MaxItemBytes,
                idWindow,
                feed.IsMercure));
        }

        // A feed is never unmarked here: during a rolling deploy, instances with the older catalog still publish to it.
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<PublishOutcome> PublishAsync(FeedDefinition feed, PublishBatch batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PublishOnceAsync(feed, batch, cancellationToken);
            }
            catch (PostgresException conflict) when (attempt < MaxAttempts && conflict.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                // The transaction rolled back whole: trying again publishes nothing twice.
            }
            catch (PostgresException refused) when (refused.SqlState is NotPushFeed or TooLarge)
            {
                // The database's settings for the feed differ from this instance's catalog (another instance started with another one).
                throw new PublishRefusedException(refused.MessageText, tooLarge: refused.SqlState == TooLarge);
            }
        }
    }

    /// <summary>
    /// Commits a group of publishes to one feed in one transaction (see <see cref="PostgresPublishQueue"/>), each
    /// answered as if alone: one WAL flush for all of them, in arrival order, with the same guarantees. If any of them
    /// makes the database refuse the transaction, each is published on its own instead, so one publish's refusal is
    /// never another's. Settles every publish of the group; never throws.
    /// </summary>
    public async Task CommitGroupAsync(FeedDefinition feed, IReadOnlyList<PendingPublish> group, CancellationToken cancellationToken)
    {
        if (group.Count > 1)
        {
            try
            {
                foreach (var (pending, outcome) in await CommitTogetherAsync(feed, group, cancellationToken))
                {
                    if (outcome.Failure is { } failure)
                    {
                        pending.Fail(failure);
                    }
                    else
                    {
                        pending.Settle(outcome.Answer!);
                    }
                }

                return;
            }
            catch (PostgresException refused) when (!PostgresFailure.IsUnavailable(refused))
            {
                // Rolled back whole: each publish goes on its own below, where only its own refusal reaches it.
            }
#pragma warning disable CA1031 // Every publish of the group is told what happened to the one transaction they shared.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                group.ToList().ForEach(pending => pending.Fail(failure));
                return;
            }
        }

        foreach (var pending in group)
        {
            try
            {
                pending.Settle(await PublishAsync(feed, pending.Batch, cancellationToken));
            }
#pragma warning disable CA1031 // Handed to the publish's own caller.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                pending.Fail(failure);
            }
        }
    }

    // One transaction for the group: first every key is claimed (a replayed or reused key settles that publish and
    // changes nothing), then every other publish's items are appended, each through publish_entries, in one round trip.
    private async Task<List<(PendingPublish Pending, (PublishOutcome? Answer, Exception? Failure) Outcome)>> CommitTogetherAsync(FeedDefinition feed, IReadOnlyList<PendingPublish> group, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CommitTogetherOnceAsync(feed, group, cancellationToken);
            }
            catch (PostgresException conflict) when (attempt < MaxAttempts && conflict.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                // The transaction rolled back whole: trying again publishes nothing twice.
            }
        }
    }

    private async Task<List<(PendingPublish Pending, (PublishOutcome? Answer, Exception? Failure) Outcome)>> CommitTogetherOnceAsync(FeedDefinition feed, IReadOnlyList<PendingPublish> group, CancellationToken cancellationToken)
    {
        await using var connection = await database.Source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        var results = new List<(PendingPublish Pending, (PublishOutcome? Answer, Exception? Failure) Outcome)>(group.Count);
        var settled = new HashSet<PendingPublish>();
        // Keys in one order on every instance, so two groups claiming the same keys never wait on each other in a cycle.
        foreach (var pending in group.Where(p => p.Batch.Key is not null).OrderBy(p => p.Batch.Key!.Value, StringComparer.Ordinal))
        {
            try
            {
                if (await ClaimKeyAsync(connection, feed.Name, pending.Batch.Key!, cancellationToken) is { } earlier)
                {
                    results.Add((pending, (earlier, null)));
                    settled.Add(pending);
                }
            }
            catch (IdempotencyKeyReusedException reused)
            {
                results.Add((pending, (null, reused)));
                settled.Add(pending);
            }
        }

        var appending = group.Where(p => !settled.Contains(p)).ToList();

        // Every publish's items in one call, in arrival order: the feed's row is locked and updated once for the group,
        // and an id repeated across publishes is found as it would be by publishes one after the other.
        var all = new PublishBatch([.. appending.SelectMany(p => p.Batch.Items)], Key: null, appending.All(p => p.Batch.DeduplicateIds));
        await using var append = new NpgsqlBatch(connection) { BatchCommands = { AppendCommand(feed.Name, all) } };
        var answers = new List<NpgsqlBatchCommand>();
        await using (var reader = await append.ExecuteReaderAsync(cancellationToken))
        {
            foreach (var pending in appending)
            {
                var items = new List<PublishedItem>(pending.Batch.Items.Count);
                foreach (var item in pending.Batch.Items)
                {
                    await reader.ReadAsync(cancellationToken);
                    items.Add(new PublishedItem(reader.GetInt64(0), reader.GetString(1), item.Id, reader.GetBoolean(2)));
                }

                var outcome = new PublishOutcome(items, Replayed: false);
                results.Add((pending, (outcome, null)));
                if (pending.Batch.Key is { } key)
                {
                    answers.Add(Command($"update {schema}.publish_requests set answer = $3 where feed = $1 and key = $2", feed.Name, key.Value, PublishAnswer.Write(outcome)));
                }
            }
        }

        if (answers.Count > 0)
        {
            await using var store = new NpgsqlBatch(connection);
            answers.ForEach(store.BatchCommands.Add);
            await store.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    private const int MaxAttempts = 3;
    private const string NotPushFeed = "TR001";
    private const string TooLarge = "TR002";

    private async Task<PublishOutcome> PublishOnceAsync(FeedDefinition feed, PublishBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.Source.OpenConnectionAsync(cancellationToken);
        // Read committed whatever the server's default: a publish waits for the feed's lock, then numbers after what committed meanwhile.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        if (batch.Key is { } key && await ClaimKeyAsync(connection, feed.Name, key, cancellationToken) is { } earlier)
        {
            // The first request with this key committed its answer; this one changes nothing.
            return earlier;
        }

        var items = await AppendAsync(connection, feed.Name, batch, cancellationToken);
        var outcome = new PublishOutcome(items, Replayed: false);
        if (batch.Key is { } first)
        {
            await using var answer = new NpgsqlCommand($"update {schema}.publish_requests set answer = $3 where feed = $1 and key = $2", connection);
            AddParameters(answer.Parameters, feed.Name, first.Value, PublishAnswer.Write(outcome));
            await answer.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>The item published to <paramref name="feed"/> with <paramref name="id"/> (the latest), while its id is within the window and history keeps it.</summary>
    public async Task<PublishedEntry?> FindAsync(string feed, string id, CancellationToken cancellationToken)
    {
        await using var find = database.Source.CreateCommand(
            $"""
            select k.seq, k.epoch, i.data from {schema}.item_ids k
              join {schema}.feeds f on f.name = k.feed and f.epoch = k.epoch
              join {schema}.items i on i.feed = k.feed and i.seq = k.seq and i.kind = 0
            where k.feed = $1 and k.id = $2 and k.at >= clock_timestamp() - f.id_window
            """);
        AddParameters(find.Parameters, feed, id);
        await using var row = await find.ExecuteReaderAsync(cancellationToken);
        return await row.ReadAsync(cancellationToken)
            ? new PublishedEntry(new FeedPosition(row.GetInt64(0), row.GetString(1)), JsonSerializer.Deserialize<JsonElement>(row.GetString(2)))
            : null;
    }

    /// <summary>
    /// Deletes what the idempotency window no longer covers, for every push feed, and the hub's ids whose updates history
    /// no longer keeps, in bounded statements.
    /// </summary>
    public async Task ForgetExpiredAsync(int batchSize, CancellationToken cancellationToken)
    {
        // Keys before ids, the order a publish takes them in, so the two never wait on each other in a cycle.
        foreach (var table in new[] { "publish_requests", "item_ids" })
        {
            await using var forget = database.Source.CreateCommand(
                $"""
                delete from {schema}.{table} t where t.ctid in (
                    select e.ctid from {schema}.{table} e join {schema}.feeds f on f.name = e.feed
                    where e.at < clock_timestamp() - f.id_window limit $1)
                """);
            forget.Parameters.Add(new NpgsqlParameter { Value = batchSize });
            while (await forget.ExecuteNonQueryAsync(cancellationToken) == batchSize)
            {
            }
        }

        // The Mercure hub's ids serve only to resume after their update, so they go with it when history trims it (or
        // the feed starts a new numbering), not a day later: a busy hub would otherwise keep a day of ids.
        await using var trimmed = database.Source.CreateCommand(
            $"""
            delete from {schema}.item_ids t where t.ctid in (
                select k.ctid from {schema}.item_ids k join {schema}.feeds f on f.name = k.feed
                where f.hub and (k.epoch <> f.epoch or k.seq < coalesce((select min(i.seq) from {schema}.items i where i.feed = k.feed), f.last_seq + 1))
                limit $1)
            """);
        trimmed.Parameters.Add(new NpgsqlParameter { Value = batchSize });
        while (await trimmed.ExecuteNonQueryAsync(cancellationToken) == batchSize)
        {
        }
    }

    // Takes the key for this request, or returns the answer of the request that took it first. A request with the
    // same key still in flight holds the row: this one waits for it to commit (and then replays its answer) or roll back.
    private async Task<PublishOutcome?> ClaimKeyAsync(NpgsqlConnection connection, string feed, IdempotencyKey key, CancellationToken cancellationToken)
    {
        await using var claim = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command($"delete from {schema}.publish_requests r using {schema}.feeds f where r.feed = $1 and r.key = $2 and f.name = r.feed and r.at < clock_timestamp() - f.id_window", feed, key.Value),
                Command($"insert into {schema}.publish_requests (feed, key, fingerprint, at) values ($1, $2, $3, clock_timestamp()) on conflict (feed, key) do nothing", feed, key.Value, key.Fingerprint),
            },
        };
        await using var read = new NpgsqlCommand($"select fingerprint, answer from {schema}.publish_requests where feed = $1 and key = $2", connection);
        AddParameters(read.Parameters, feed, key.Value);
        while (true)
        {
            await claim.ExecuteNonQueryAsync(cancellationToken);
            if (claim.BatchCommands[1].RecordsAffected == 1)
            {
                return null;
            }

            await using var row = await read.ExecuteReaderAsync(cancellationToken);
            if (!await row.ReadAsync(cancellationToken))
            {
                // Forgotten (expired) between the claim and this read: claim it again, it is not a reuse.
                continue;
            }

            if (row.GetString(0) != key.Fingerprint || await row.IsDBNullAsync(1, cancellationToken))
            {
                throw IdempotencyKeyReusedException.For(feed, key.Value);
            }

            return PublishAnswer.Read(row.GetString(1)) with { Replayed = true };
        }
    }

    // Every item through the function SQL publishers call, in one call.
    private async Task<List<PublishedItem>> AppendAsync(NpgsqlConnection connection, string feed, PublishBatch batch, CancellationToken cancellationToken)
    {
        var items = batch.Items;
        await using var append = new NpgsqlBatch(connection) { BatchCommands = { AppendCommand(feed, batch) } };
        var published = new List<PublishedItem>(items.Count);
        await using var reader = await append.ExecuteReaderAsync(cancellationToken);
        foreach (var item in items)
        {
            await reader.ReadAsync(cancellationToken);
            published.Add(new PublishedItem(reader.GetInt64(0), reader.GetString(1), item.Id, reader.GetBoolean(2)));
        }

        return published;
    }

    private NpgsqlBatchCommand AppendCommand(string feed, PublishBatch batch)
    {
        var append = new NpgsqlBatchCommand($"select item_seq, item_epoch, item_duplicate from {schema}.publish_entries($1, $2, $3, $4)");
        append.Parameters.Add(new NpgsqlParameter { Value = feed });
        append.Parameters.Add(new NpgsqlParameter { Value = batch.Items.Select(i => Encoding.UTF8.GetString(i.DataJson.Span)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new NpgsqlParameter { Value = batch.Items.Select(i => i.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new NpgsqlParameter { Value = batch.DeduplicateIds });
        return append;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddParameters(command.Parameters, parameters);
        return command;
    }

    private static void AddParameters(NpgsqlParameterCollection collection, params object[] parameters)
    {
        foreach (var parameter in parameters)
        {
            collection.Add(new NpgsqlParameter { Value = parameter });
        }
    }
}
