using System.Diagnostics;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// What every engine's shared feed does the same way: its runs, from the first reader (or the first after a
/// run ended) to the last one leaving plus the feed's linger; adding and removing readers; the state counters; and
/// a run's failure, logged once and handed to that run's readers after what they were given. An engine supplies
/// what a run does (<see cref="RunAsync"/>: produce, read its storage, publish through <see cref="SharedFeedRun.Offer"/>)
/// and keeps its own numbering and storage under <see cref="Gate"/>.
/// </summary>
/// <remarks>
/// Each run is a <see cref="SharedFeedRun"/> that this feed alone creates, changes (under <see cref="Gate"/>) and
/// disposes. It starts only once the host's task group has taken it, so a host that is stopping leaves the feed as
/// it was; a subscribe that finds no run, or one that is stopping, starts a new one; a run's end ends only its own
/// readers.
/// </remarks>
public abstract class SharedFeedCore : ISubscriptionOwner
{
    private readonly TaskGroup _host;
    private readonly ILogger _logger;
    private SharedFeedRun? _run;

    private protected SharedFeedCore(FeedDefinition feed, TaskGroup host, TimeProvider time, StreamStats stats, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(stats);
        Feed = feed;
        _host = host;
        Time = time;
        Stats = stats;
        _logger = logger;
        Counters = stats.SharedFeed(feed.Name);
    }

    private protected FeedDefinition Feed { get; }

    private protected TimeProvider Time { get; }

    private protected StreamStats Stats { get; }

    private protected SharedFeedCounters Counters { get; }

    /// <summary>Guards the runs and their readers, and whatever the engine keeps with them.</summary>
    private protected Lock Gate { get; } = new();

    /// <summary>The run readers join now, if any; read and changed under <see cref="Gate"/>.</summary>
    private protected SharedFeedRun? CurrentRun => _run;

    /// <summary>A reader of this feed whose numbering continues after <paramref name="startsAfter"/>.</summary>
    private protected FeedSubscription NewReader(int extraBuffer, long startsAfter) =>
        new(this, Feed.Name, Feed.SubscriberBuffer + extraBuffer, Feed.Overflow, startsAfter);

    /// <summary>
    /// Under <see cref="Gate"/>: adds the reader to the current run, starting one if there is none or it is stopping.
    /// False while the server stops: the reader is ended at once.
    /// </summary>
    private protected bool Join(FeedSubscription reader)
    {
        var run = _run is { IsStopping: false } current ? current : TryStartRun();
        if (run is null)
        {
            reader.Complete(new OperationCanceledException($"The server is stopping; feed '{Feed.Name}' takes no new readers.", _host.Token));
            return false;
        }

        run.Add(reader);
        Counters.SetSubscribers(run.SubscriberCount);
        return true;
    }

    /// <summary>What a run does until it is stopped (its readers left, the server stops) or its source ends or fails.</summary>
    private protected abstract Task RunAsync(SharedFeedRun run, CancellationToken stop);

    /// <summary>Under <see cref="Gate"/>: a run became the current one.</summary>
    private protected virtual void OnRunStarted(SharedFeedRun run)
    {
    }

    /// <summary>Under <see cref="Gate"/>: a run ended (<paramref name="wasCurrent"/>: no newer run had replaced it).</summary>
    private protected virtual void OnRunEnded(SharedFeedRun run, bool wasCurrent)
    {
    }

    /// <summary>Under <see cref="Gate"/>: a reader left.</summary>
    private protected virtual void OnReaderLeft(FeedSubscription reader)
    {
    }

    void ISubscriptionOwner.Unsubscribe(FeedSubscription subscription)
    {
        lock (Gate)
        {
            OnReaderLeft(subscription);
            if (subscription.Run is not { } run || !run.Remove(subscription))
            {
                return;
            }

            if (ReferenceEquals(run, _run))
            {
                Counters.SetSubscribers(run.SubscriberCount);
            }

            if (run.SubscriberCount == 0 && !run.IsStopping)
            {
                RunLinger.Begin(run, _host, Feed.Linger, Time, Gate);
            }
        }
    }

    void ISubscriptionOwner.CountDropped(long items) => Counters.AddDropped(items);

    // Under the gate. The run becomes current only once the host has taken it.
    private SharedFeedRun? TryStartRun()
    {
        var run = new SharedFeedRun();
        if (_host.Token.IsCancellationRequested || !_host.TryStart(token => RunOnceAsync(run, token)))
        {
            run.Dispose();
            return null;
        }

        _run = run;
        Counters.State = FeedState.Running;
        OnRunStarted(run);
        return run;
    }

    private async Task RunOnceAsync(SharedFeedRun run, CancellationToken hostToken)
    {
        // The run belongs to the feed, not to the reader whose subscribe started it: its spans (upstream attempts,
        // database commands) begin traces of their own instead of hanging off that reader's stream.
        Activity.Current = null;
        Exception? failure = null;
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(hostToken, run.Token);
            try
            {
                await RunAsync(run, stop.Token);
            }
            catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(stop.Token))
            {
                // Stopped after the last reader left, or the server is stopping.
            }
#pragma warning disable CA1031 // The run's failure goes to its readers (each stream reports it); it must not cancel the other shared feeds.
            catch (Exception error)
#pragma warning restore CA1031
            {
                failure = error;
            }
        }
        finally
        {
            Stopped(run, failure);
        }
    }

    // The run returned: its readers end with it, after what they were given (with its failure, if any).
    private void Stopped(SharedFeedRun run, Exception? failure)
    {
        lock (Gate)
        {
            run.End(failure is null ? null : LoggedOnce(failure, run.SubscriberCount));
            var wasCurrent = ReferenceEquals(_run, run);
            if (wasCurrent)
            {
                _run = null;
                Counters.State = FeedState.Idle;
                Counters.SetSubscribers(0);
            }

            OnRunEnded(run, wasCurrent);
        }

        run.Dispose();
    }

    // One failure, logged once here, however many readers it ends; their streams only say so.
    private Exception LoggedOnce(Exception failure, int readers)
    {
        if (failure is FeedFailedException { FailureLogged: true })
        {
            return failure;
        }

        var named = failure as FeedFailedException;
        SharedFeedLog.FeedFailed(_logger, Feed.Name, readers, named?.InnerException ?? failure);
        return named?.AsLogged() ?? failure;
    }
}
