using System.Text;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// The PostgreSQL engine's store of one feed: its rows in the log table, numbered by whichever instance produces the
/// feed (<see cref="PostgresFeedProducer"/>) and read back by every instance.
/// </summary>
internal sealed class PostgresFeedStore(FeedDefinition feed, PostgresFeedContext context) : IFeedStore
{
    // The window is kept by count (and age) when the producer trims; the memory engine's byte bound is not applied.
    public bool BoundedByBytes => false;

    public bool AnswersAtOnce => false;

    // A page per round trip: a replay or export of a long history holds one page at a time.
    public int PageSize => 1000;

    public TimeSpan RetryMaxDelay => context.Options.ReconnectMaxDelay;

    public async Task<FeedPosition> HeadAsync(CancellationToken cancellationToken)
    {
        var head = await context.Log.OpenFeedAsync(feed.Name, cancellationToken);
        return new FeedPosition(head.LastSequence, head.Epoch);
    }

    public Task<long> WindowStartAsync(long head, CancellationToken cancellationToken) =>
        context.Log.WindowStartAsync(feed, head, cancellationToken);

    public async Task<IReadOnlyList<FeedLogEntry>> ReadAfterAsync(long after, long upTo, int limit, CancellationToken cancellationToken)
    {
        var rows = await context.Log.ReadAsync(feed.Name, after, limit, cancellationToken, upTo);
        return rows.ConvertAll(EntryOf);
    }

    public bool IsUnavailable(Exception failure) => PostgresFailure.IsUnavailable(failure);

    private static FeedLogEntry EntryOf(PostgresLogRow row) => row.Kind switch
    {
        PostgresRowKind.End => new FeedLogEntry(row.Sequence, row.Timestamp, FeedLogEntryKind.End, null, default),
        PostgresRowKind.Failure => new FeedLogEntry(row.Sequence, row.Timestamp, FeedLogEntryKind.Failure, null, default, row.Data),
        _ => ItemOf(row),
    };

    private static FeedLogEntry ItemOf(PostgresLogRow row)
    {
        var data = PostgresRowCodec.Decode(row);
        // One encoding for every reader on this instance; JSON rows already hold the bytes the wire carries.
        var json = row.Kind == PostgresRowKind.Json ? Encoding.UTF8.GetBytes(row.Data) : FeedJson.Encode(data);
        return new FeedLogEntry(row.Sequence, row.Timestamp, FeedLogEntryKind.Item, data, json, row.Gap);
    }
}
