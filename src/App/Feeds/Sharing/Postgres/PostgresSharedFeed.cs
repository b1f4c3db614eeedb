using System.Threading.Channels;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// One shared feed on this instance, with the PostgreSQL engine. While it has readers here, a run competes to be the
/// feed's producer (<see cref="PostgresFeedProducer"/>, which appends to the log; a push feed has none, its publishers
/// append) and reads the log (one reader per
/// feed per instance, woken by <c>NOTIFY</c>: <see cref="PostgresFeedTail"/>), handing each new entry to the shared
/// core, which tells the readers (<see cref="SharedFeedCore"/>).
/// </summary>
internal sealed class PostgresSharedFeed : SharedFeedCore
{
    private readonly PostgresFeedContext _context;
    private readonly PostgresFeedStore _store;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public PostgresSharedFeed(FeedDefinition feed, PostgresFeedContext context)
        : base(feed, context.Host, context.Time, context.Stats, context.Logger)
    {
        _context = context;
        _store = new PostgresFeedStore(feed, context);
    }

    private protected override IFeedStore Store => _store;

    /// <summary>The log grew (a notification), or the listener is back: read it now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    // A run reads the log and competes to produce, until its readers are gone, the source ended or failed
    // (the log says so), or the server stops.
    private protected override async Task RunAsync(SharedFeedRun run, CancellationToken stop)
    {
        Exception? ended = null;
        await using (var group = new TaskGroup(stop))
        {
            // A push feed's items come from publishers, in their own transactions: it has no producer to compete for.
            if (!Feed.IsPush)
            {
                group.Start(new PostgresFeedProducer(_context, Feed, Counters).RunAsync);
            }

            group.Start(async token =>
            {
                ended = await new PostgresFeedTail(this, run, _store, _context, Feed).RunAsync(token);
                group.Cancel();
            });
        }

        if (ended is not null)
        {
            throw ended;
        }
    }

    /// <summary>Waits for a notification, or the poll interval.</summary>
    internal async Task WaitForWakeAsync(CancellationToken cancellationToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(_context.Options.PollInterval);
        try
        {
            await _wake.Reader.ReadAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Polled.
        }
    }
}
