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
        // publish numbers its items under the feed row's lock, which it holds until its transaction ends, so numbers
        // follow commit order with no hole (a rollback gives its numbers back) and readers are woken on commit. The
        // row is updated once per call, however many items: a batch costs one lock and one new row version.
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
        create index on {0}.item_ids (at);
        create index on {0}.publish_requests (at);
        create function {0}.publish_entries(p_feed text, p_data text[], p_ids text[])
            returns table (item_seq bigint, item_epoch text, item_duplicate boolean)
        language plpgsql as $$
        declare
            f {0}.feeds%rowtype;
            v_next bigint;
            v_seq bigint;
            v_epoch text;
        begin
            select * into f from {0}.feeds where name = p_feed for update;
            if not found or not f.push then
                raise exception 'feed "%" is not a push feed', p_feed
                    using errcode = 'TR001', hint = 'Publish to a feed of Kind push in the catalog of a Tributary instance that uses this schema.';
            end if;
            v_next := f.last_seq;
            for i in 1 .. coalesce(array_length(p_data, 1), 0) loop
                if octet_length(p_data[i]) > f.max_item_bytes then
                    raise exception 'an item of % bytes is larger than feed "%" takes (MaxItemBytes %)', octet_length(p_data[i]), p_feed, f.max_item_bytes
                        using errcode = 'TR002';
                end if;
                if p_ids[i] is not null then
                    select k.seq, k.epoch into v_seq, v_epoch from {0}.item_ids k
                        where k.feed = p_feed and k.id = p_ids[i] and k.at >= clock_timestamp() - f.id_window;
                    if found then
                        item_seq := v_seq;
                        item_epoch := v_epoch;
                        item_duplicate := true;
                        return next;
                        continue;
                    end if;
                end if;
                v_next := v_next + 1;
                insert into {0}.items (feed, seq, ts, kind, data) values (p_feed, v_next, clock_timestamp(), 0, p_data[i]);
                if p_ids[i] is not null then
                    insert into {0}.item_ids (feed, id, seq, epoch, at) values (p_feed, p_ids[i], v_next, f.epoch, clock_timestamp())
                        on conflict (feed, id) do update set seq = excluded.seq, epoch = excluded.epoch, at = excluded.at;
                end if;
                item_seq := v_next;
                item_epoch := f.epoch;
                item_duplicate := false;
                return next;
            end loop;
            if v_next > f.last_seq then
                update {0}.feeds set last_seq = v_next where name = p_feed;
                perform pg_notify('{0}_items', p_feed);
            end if;
        end
        $$;
        create function {0}.publish(feed text, data jsonb, id text default null) returns bigint
        language sql as $$ select item_seq from {0}.publish_entries(feed, array[data::text], array[id]) $$;
        """,

        // 3: the Mercure hub's feed is marked (hub): publish(), the function for users' own transactions, refuses it,
        // since only the hub checks a publisher's topics and a private update's audience. Ids may also name the latest
        // of several items (p_deduplicate false: the hub delivers every publish, as the protocol does). publish() is
        // replaced in place, so grants a DBA gave or revoked on it stay.
        """
        alter table {0}.feeds add column hub boolean not null default false;
        drop function {0}.publish_entries(text, text[], text[]);
        create function {0}.publish_entries(p_feed text, p_data text[], p_ids text[], p_deduplicate boolean default true)
            returns table (item_seq bigint, item_epoch text, item_duplicate boolean)
        language plpgsql as $$
        declare
            f {0}.feeds%rowtype;
            v_next bigint;
            v_seq bigint;
            v_epoch text;
        begin
            select * into f from {0}.feeds where name = p_feed for update;
            if not found or not f.push then
                raise exception 'feed "%" is not a push feed', p_feed
                    using errcode = 'TR001', hint = 'Publish to a feed of Kind push in the catalog of a Tributary instance that uses this schema.';
            end if;
            v_next := f.last_seq;
            for i in 1 .. coalesce(array_length(p_data, 1), 0) loop
                if octet_length(p_data[i]) > f.max_item_bytes then
                    raise exception 'an item of % bytes is larger than feed "%" takes (MaxItemBytes %)', octet_length(p_data[i]), p_feed, f.max_item_bytes
                        using errcode = 'TR002';
                end if;
                if p_ids[i] is not null and p_deduplicate then
                    select k.seq, k.epoch into v_seq, v_epoch from {0}.item_ids k
                        where k.feed = p_feed and k.id = p_ids[i] and k.at >= clock_timestamp() - f.id_window;
                    if found then
                        item_seq := v_seq;
                        item_epoch := v_epoch;
                        item_duplicate := true;
                        return next;
                        continue;
                    end if;
                end if;
                v_next := v_next + 1;
                insert into {0}.items (feed, seq, ts, kind, data) values (p_feed, v_next, clock_timestamp(), 0, p_data[i]);
                if p_ids[i] is not null then
                    insert into {0}.item_ids (feed, id, seq, epoch, at) values (p_feed, p_ids[i], v_next, f.epoch, clock_timestamp())
                        on conflict (feed, id) do update set seq = excluded.seq, epoch = excluded.epoch, at = excluded.at;
                end if;
                item_seq := v_next;
                item_epoch := f.epoch;
                item_duplicate := false;
                return next;
            end loop;
            if v_next > f.last_seq then
                update {0}.feeds set last_seq = v_next where name = p_feed;
                perform pg_notify('{0}_items', p_feed);
            end if;
        end
        $$;
        create or replace function {0}.publish(feed text, data jsonb, id text default null) returns bigint
        language plpgsql as $$
        begin
            if exists (select 1 from {0}.feeds f where f.name = publish.feed and f.hub) then
                raise exception 'feed "%" holds the Mercure hub''s updates', publish.feed
                    using errcode = 'TR001', hint = 'Publish Mercure updates with a POST to /.well-known/mercure, whose token decides the topics.';
            end if;
            return (select item_seq from {0}.publish_entries(publish.feed, array[publish.data::text], array[publish.id]));
        end
        $$;
        """,

        // 4: where a feed's source is after its last item (a JetStream sequence, a Redis stream id), written in the same
        // transaction as the items, so the next producer resumes the source exactly after what the log holds.
        """
        alter table {0}.feeds add column source_position text;
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
