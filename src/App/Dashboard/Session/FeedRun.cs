using Microsoft.AspNetCore.SignalR;
using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.State;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Dashboard.Session;

/// <summary>
/// One feed's hub stream, owned by the <see cref="DashboardSession"/>. It feeds its records to the board and,
/// when the connection is lost or the server restarts, opens the stream again after a short delay, resuming a
/// shared feed after the last position it received (<c>since</c>), so nothing within the server's history is
/// lost or repeated. A refusal (bad settings, an unknown or failed feed) ends it with the server's message.
/// </summary>
internal sealed class FeedRun(
    string feed,
    FeedStreamSettings settings,
    IFeedClient client,
    LiveBoard board,
    Action changed,
    TimeProvider timeProvider,
    ILogger logger,
    CancellationToken sessionLifetime) : IAsyncDisposable
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    // Linked to the session's lifetime: a run started as the circuit goes away stops with it.
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(sessionLifetime);
    private bool _everReceived;
    private Task _running = Task.CompletedTask;
    private volatile string? _position = settings.Since;
    private volatile FeedRunState _state;

    public string Feed { get; } = feed;

    public FeedStreamSettings Settings { get; } = settings;

    public FeedRunState State => _state;

    /// <summary>Why the run failed, in words for the user; null unless <see cref="State"/> is Failed.</summary>
    public string? Problem { get; private set; }

    /// <summary>The last position received (<c>seq@epoch</c>), for shared feeds; null for feeds that keep no history.</summary>
    public string? Position => _position;

    public void Start() => _running = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);

    /// <summary>Stops the stream (which stops its producer on the server) and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        var resumed = false;
        while (true)
        {
            var outcome = await StreamOnceAsync(attempt, resumed, cancellationToken);
            if (outcome is Outcome.Stopped or Outcome.Ended or Outcome.Refused)
            {
                return;
            }

            SetState(FeedRunState.Resuming);
            try
            {
                await Task.Delay(RetryDelays[Math.Min(attempt, RetryDelays.Length - 1)], timeProvider, cancellationToken);
            }
            catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(cancellationToken))
            {
                return;
            }

            attempt = outcome == Outcome.Lost ? attempt + 1 : 0;
            resumed = true;
            SetState(FeedRunState.Starting);
        }
    }

    private enum Outcome
    {
        Stopped,
        Ended,
        Refused,

        /// <summary>Lost before a record arrived: the next delay is longer.</summary>
        Lost,

        /// <summary>Lost after records arrived, or the server said it was shutting down: start the delays over.</summary>
        Interrupted,
    }

    private async Task<Outcome> StreamOnceAsync(int attempt, bool resumed, CancellationToken cancellationToken)
    {
        var received = false;
        var shutdown = false;
        // Until the run has a position it asks for the tail of history: items produced before the stream opened are
        // that tail. With a position it resumes, and what it gets is what this tab missed, not history.
        var historyBefore = Settings.Tail > 0 && _position is null ? timeProvider.GetUtcNow() : DateTimeOffset.MinValue;
        try
        {
            await foreach (var record in client.StreamAsync(Feed, Settings with { Since = _position, Tail = _position is null ? Settings.Tail : 0 }, cancellationToken))
            {
                if (!received)
                {
                    received = true;
                    SetState(FeedRunState.Live);
                    NoteStart(record, resumed, attempt);
                    _everReceived = true;
                }

                if (record.Type == "shutdown")
                {
                    // The server's record names no feed and tells the reader to reconnect, which this does itself.
                    shutdown = true;
                    board.Note(Feed, $"The server is shutting down; {Feed} continues when it is back.");
                    continue;
                }

                // Only data moves the position: a gap or reset record carries a neighbouring number, and resuming
                // after it could skip an item. Repeating such a record on the next resume is harmless.
                if (record.IsData && record.Epoch is not null)
                {
                    _position = record.Position;
                }

                board.Enqueue(record.IsData && record.Timestamp < historyBefore ? record with { FromHistory = true } : record);
            }
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(cancellationToken))
        {
            return Outcome.Stopped;
        }
        catch (ObjectDisposedException)
        {
            // The circuit's hub client is gone: so is everyone who could watch this.
            return Outcome.Stopped;
        }
        catch (HubException refused)
        {
            // The server's own words: they name the feed and the setting at fault.
            Problem = ServerWords.Of(refused);
            SetState(FeedRunState.Failed);
            return Outcome.Refused;
        }
#pragma warning disable CA1031 // Whatever broke the connection, the answer is to open it again.
        catch (Exception lost)
#pragma warning restore CA1031
        {
            StreamLog.StreamLost(logger, Feed, attempt + 1, lost.Message);
            return received ? Outcome.Interrupted : Outcome.Lost;
        }

        if (shutdown)
        {
            return Outcome.Interrupted;
        }

        SetState(FeedRunState.Ended);
        return Outcome.Ended;
    }

    private void NoteStart(FeedRecord first, bool resumed, int attempt)
    {
        if (resumed && _everReceived)
        {
            board.Note(Feed, _position is null
                ? $"{Feed} started over after the connection was lost: it keeps no history, so what it sent meanwhile is not shown."
                : $"{Feed} resumed after the connection was lost, from #{_position.Split('@')[0]}.");
        }
        else if (!resumed && attempt == 0 && first.Type != "reset" && Settings.Since is { } kept && _position == kept)
        {
            board.Note(Feed, $"{Feed} continued from #{kept.Split('@')[0]}, where this tab was before the page reloaded.");
        }
    }

    private void SetState(FeedRunState state)
    {
        _state = state;
        changed();
    }
}
