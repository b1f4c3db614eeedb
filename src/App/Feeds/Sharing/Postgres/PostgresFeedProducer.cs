using System.Threading.Channels;
using Npgsql;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// Makes this instance a shared feed's producer whenever no other instance is: it waits for the feed's
/// advisory lock on a connection of its own, then runs the feed's source and appends what it produces to
/// the log in batches, on that same connection, so an instance that lost the lock cannot write either. It
/// runs while this instance has readers for the feed, and starts over with backoff when the database fails.
/// </summary>
internal sealed class PostgresFeedProducer(PostgresFeedContext context, FeedDefinition feed, SharedFeedCounters counters)
{
    // Items from the source waiting for the next append; a full buffer slows the source (bounded memory
    // while the database is slow).
    private const int PendingCapacity = 4096;

    // How long a stopping producer may take to write what it already has and hand the feed back.
    private static readonly TimeSpan FlushGrace = TimeSpan.FromSeconds(3);

    // How long handing the feed back may take once everything is written.
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(3);

    // Whether the next append replaces a kept source position that belongs to another source. One producer runs at a time.
    private bool _forgetSourcePosition;

    /// <summary>Produces until <paramref name="stop"/>, or until the source ends or fails (written to the log as such).</summary>
    public Task RunAsync(CancellationToken stop) =>
        // Any failure short of our own cancellation is retried: one bad moment must not end the engine (and the
        // database's errors are the usual cause).
        RetryWithBackoff.RunAsync(
            async (progressed, token) =>
            {
                while (true)
                {
                    await using var connection = await context.Database.SessionSource.OpenConnectionAsync(token);
                    var handedOver = await context.Log.LockAsync(connection, feed.Name, token);
                    progressed();
                    if (await ProduceAsync(connection, handedOver, token))
                    {
                        return true;
                    }
                }
            },
            isRetryable: _ => true,
            onRetry: (failure, delay) => PostgresEngineLog.Unavailable(context.Logger, context.Database.Where, feed.Name, PostgresFailure.Reason(failure), (long)delay.TotalMilliseconds),
            context.Options.ReconnectMaxDelay,
            context.Time,
            stop);

    // Holds the lock: claims the feed, produces, and hands it back. True when the source ended or failed.
    // handedOver: this instance waited for another to let the feed go, so its readers watched through the change.
    private async Task<bool> ProduceAsync(NpgsqlConnection connection, bool handedOver, CancellationToken stop)
    {
        var head = await context.Log.ClaimAsync(connection, feed.Name, context.Instance, stop);
        counters.Producer = true;
        context.Stats.SharedProducers.Increment();
        PostgresEngineLog.Producing(context.Logger, context.Instance, feed.Name, head.LastSequence);
        try
        {
            var gap = ContinuesExactly(head) ? null
                : head.Producer is { } previous ? TakeOverNote(previous)
                : handedOver && head.LastSequence > 0 ? HandOverNote()
                : SourceChanged(head) ? SourceChangedNote()
                : null;
            // Forgotten with the first rows (and their gap note), so a later return to that source does not resume from it.
            _forgetSourcePosition = SourceChanged(head);
            if (_forgetSourcePosition)
            {
                head = head with { SourcePosition = null };
            }

            using var flush = new CancellationTokenSource();
            using var grace = stop.Register(() => flush.CancelAfter(FlushGrace));
            var ended = await PumpAsync(connection, head, gap, stop, flush.Token);
            // Its own deadline: a flush that used up the grace must still hand the feed back, or the next producer
            // would take the name left on the feed for a crash.
            using var release = new CancellationTokenSource(ReleaseTimeout);
            await context.Log.ReleaseAsync(connection, feed.Name, context.Instance, release.Token);
            PostgresEngineLog.Released(context.Logger, context.Instance, feed.Name);
            return ended;
        }
        finally
        {
            counters.Producer = false;
            context.Stats.SharedProducers.Decrement();
        }
    }

    // The source carries on from the position written with the last item (a JetStream or Redis stream, or an MQTT
    // session the broker kept): nothing is missing, so no gap is announced. With no position yet, the last producer
    // never kept an item from it (or kept one from a source the feed no longer reads), and what was sent meanwhile may be lost.
    private bool ContinuesExactly(PostgresFeedHead head) => feed.ResumesWithoutLoss && SourcePosition.Read(feed, head.SourcePosition) is not null;

    // The kept position is from a source the feed no longer reads (its settings changed): it starts again from Start.
    private bool SourceChanged(PostgresFeedHead head) =>
        head.SourcePosition is not null && head.LastSequence > 0 && !(feed.ResumesWithoutLoss && SourcePosition.Read(feed, head.SourcePosition) is not null);

    private string SourceChangedNote() =>
        $"Feed '{feed.Name}' now reads another source than the one its last items came from, so it starts there afresh: items may be missing or repeated here.";

    // A clean handover still loses what the source sent between the old producer's stop and this one's start.
    private string HandOverNote() =>
        $"Feed '{feed.Name}' changed producer: the instance producing it handed it over, so items its source sent before another instance took over are missing here.";

    private string TakeOverNote(string previous)
    {
        PostgresEngineLog.TookOver(context.Logger, feed.Name, previous);
        return $"Feed '{feed.Name}' changed producer: the instance producing it stopped without handing it over, so items it had not yet written, and items its source sent before another instance took over, are missing here.";
    }

    // The source and the appends run side by side: the source fills a bounded buffer, the writer empties it
    // a batch per round trip. A database failure ends both (and the lock with the connection).
    private async Task<bool> PumpAsync(NpgsqlConnection connection, PostgresFeedHead head, string? gap, CancellationToken stop, CancellationToken flush)
    {
        var pending = Channel.CreateBounded<(DateTimeOffset At, object Data)>(
            new BoundedChannelOptions(PendingCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var ended = false;
        await using (var group = new TaskGroup(flush))
        {
            group.Start(token => ReadSourceAsync(pending.Writer, head.SourcePosition, stop, token));
            group.Start(async token => ended = await WriteAsync(connection, pending.Reader, head.LastSequence, gap, token));
        }

        return ended;
    }

    private async Task ReadSourceAsync(ChannelWriter<(DateTimeOffset, object)> pending, string? resumeAfter, CancellationToken stop, CancellationToken group)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stop, group);
        try
        {
            await foreach (var data in context.Catalog.ReadFromAsync(feed, resumeAfter, both.Token).WithCancellation(both.Token))
            {
                await pending.WriteAsync((context.Time.GetUtcNow(), data), both.Token);
            }

            // Paced feeds end quietly when cancelled (FeedPacer); a stopped run must not look like a feed that ended.
            both.Token.ThrowIfCancellationRequested();
            pending.TryComplete(new EndOfStreamException());
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(stop))
        {
            // Readers left or the server is stopping: the writer flushes what there is.
            pending.TryComplete();
        }
#pragma warning disable CA1031 // The source's failure goes into the log, where every instance's readers get it.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            pending.TryComplete(failure);
        }
    }

    // Appends batches until the source is done. True when the source ended or failed (the last row says so).
    private async Task<bool> WriteAsync(NpgsqlConnection connection, ChannelReader<(DateTimeOffset At, object Data)> pending, long sequence, string? gap, CancellationToken token)
    {
        var batch = new List<PostgresLogRow>(context.Options.AppendBatchSize);
        var sourced = new List<SourcedItem>();
        var nextTrim = context.Time.GetUtcNow();
        while (await MoreAsync(pending, token))
        {
            while (batch.Count < context.Options.AppendBatchSize && pending.TryRead(out var item))
            {
                if (item.Data is SourcedItem from)
                {
                    sourced.Add(from);
                }

                var (kind, data) = PostgresRowCodec.Encode(item.Data is SourcedItem { Data: var inner } ? inner : item.Data);
                batch.Add(new PostgresLogRow(++sequence, item.At, kind, data, gap));
                gap = null;
            }

            await AppendAsync(connection, batch, sourced, token);
            if (context.Time.GetUtcNow() >= nextTrim)
            {
                await TrimAsync(connection, sequence, token);
                nextTrim = context.Time.GetUtcNow() + context.Options.TrimInterval;
            }
        }

        token.ThrowIfCancellationRequested();
        var outcome = pending.Completion;
        if (outcome.IsCompletedSuccessfully)
        {
            return false;
        }

        // The source ended (EndOfStreamException marks a normal end) or failed: say so in the log, once.
        var failure = outcome.Exception?.InnerException;
        var terminal = failure is EndOfStreamException
            ? new PostgresLogRow(++sequence, context.Time.GetUtcNow(), PostgresRowKind.End, "", gap)
            : new PostgresLogRow(++sequence, context.Time.GetUtcNow(), PostgresRowKind.Failure, ClientMessage(failure), gap);
        if (failure is not EndOfStreamException && failure is not null)
        {
            Sharing.SharedFeedLog.FeedFailed(context.Logger, feed.Name, (int)counters.Subscribers, failure is FeedFailedException { InnerException: { } inner } ? inner : failure);
        }

        batch.Add(terminal);
        await AppendAsync(connection, batch, sourced, token);
        return true;
    }

    // False once the buffer is drained and the source is done, whether it ended, failed or was stopped.
    private static async Task<bool> MoreAsync(ChannelReader<(DateTimeOffset At, object Data)> pending, CancellationToken token)
    {
        try
        {
            return await pending.WaitToReadAsync(token);
        }
        catch (Exception) when (pending.Completion.IsFaulted)
        {
            return false;
        }
    }

    // The source's position commits with the items that moved it, and only then is the source told they are kept.
    private async Task AppendAsync(NpgsqlConnection connection, List<PostgresLogRow> batch, List<SourcedItem> sourced, CancellationToken token)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var position = sourced.LastOrDefault(s => s.Position is not null)?.Position;
        await context.Log.AppendAsync(connection, feed.Name, context.Instance, batch, position, _forgetSourcePosition, token);
        _forgetSourcePosition = false;
        batch.Clear();
        foreach (var item in sourced)
        {
            await item.AcknowledgeAsync();
        }

        sourced.Clear();
    }

    private async Task TrimAsync(NpgsqlConnection connection, long lastSequence, CancellationToken token)
    {
        // Bounded statements, so trimming a long backlog never holds the log for long.
        while (await context.Log.TrimAsync(connection, feed, lastSequence, context.Options.TrimBatchSize, token) == context.Options.TrimBatchSize)
        {
        }
    }

    private string ClientMessage(Exception? failure) =>
        failure is FeedFailedException named ? named.ClientMessage : $"Feed '{feed.Name}' failed, so the stream was ended.";
}
