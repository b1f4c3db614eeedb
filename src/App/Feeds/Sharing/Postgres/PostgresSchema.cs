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

        // 2: push feeds: the app marks them (with their item size limit and idempotency window) in the feeds table; a
        // publish numbers an item under the feed row's lock, which it holds until its transaction ends, so numbers
        // follow commit order with no hole (a rollback gives its number back) and readers are woken on commit.
        """
        alter table {0}.feeds
            add column push boolean not null default false,
            add column max_item_bytes integer not null default 1048576,
            add column id_window interval not null default interval '1 day';
        create table {0}.item_ids (
            feed text not null,
            id text not null,
            seq bigint not null,
            epoch text not null,
            at timestamptz not null,
            primary key (feed, id));
        create table {0}.publish_requests (
            feed text not null,
            key text not null,
            fingerprint text not null,
            answer text,
            at timestamptz not null,
            primary key (feed, key));
        create function {0}.publish_entry(p_feed text, p_data text, p_kind smallint, p_id text,
                                          out seq bigint, out epoch text, out duplicate boolean)
        language plpgsql as $$
        declare
            f {0}.feeds%rowtype;
        begin
            select * into f from {0}.feeds where name = p_feed for update;
            if not found or not f.push then
                raise exception 'feed "%" is not a push feed', p_feed
                    using errcode = 'TR001', hint = 'Publish to a feed of Kind push in the catalog of a Tributary instance that uses this schema.';
            end if;
            if octet_length(p_data) > f.max_item_bytes then
                raise exception 'an item of % bytes is larger than feed "%" takes (MaxItemBytes %)', octet_length(p_data), p_feed, f.max_item_bytes
                    using errcode = 'TR002';
            end if;
            if p_id is not null then
                select i.seq, i.epoch into seq, epoch from {0}.item_ids i
                    where i.feed = p_feed and i.id = p_id and i.at >= clock_timestamp() - f.id_window;
                if found then
                    duplicate := true;
                    return;
                end if;
            end if;
            update {0}.feeds set last_seq = last_seq + 1 where name = p_feed returning last_seq into seq;
            epoch := f.epoch;
            duplicate := false;
            insert into {0}.items (feed, seq, ts, kind, data) values (p_feed, seq, clock_timestamp(), p_kind, p_data);
            if p_id is not null then
                insert into {0}.item_ids (feed, id, seq, epoch, at) values (p_feed, p_id, seq, epoch, clock_timestamp())
                    on conflict (feed, id) do update set seq = excluded.seq, epoch = excluded.epoch, at = excluded.at;
            end if;
            perform pg_notify('{0}_items', p_feed);
        end
        $$;
        create function {0}.publish(feed text, data jsonb, id text default null) returns bigint
        language sql as $$ select seq from {0}.publish_entry(feed, data::text, 0::smallint, id) $$;
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
