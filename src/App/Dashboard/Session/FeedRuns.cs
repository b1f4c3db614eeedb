using Tributary.App.Dashboard.Client;
using Tributary.App.Dashboard.State;

namespace Tributary.App.Dashboard.Session;

/// <summary>
/// The streams of a session: one <see cref="FeedRun"/> per running feed, and each shared feed's last position, kept
/// across a reload so the next stream of that feed resumes after it. Started and stopped by the session; the runs
/// themselves report from other threads, so what they report is read under a lock.
/// </summary>
internal sealed class FeedRuns(IFeedClient client, LiveBoard board, Action changed, TimeProvider timeProvider, ILogger logger, CancellationToken sessionLifetime)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FeedRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _positions = new(StringComparer.Ordinal);

    public IReadOnlyList<FeedRun> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _runs.Values];
            }
        }
    }

    /// <summary>How many runs are waiting to reconnect.</summary>
    public int Resuming => All.Count(r => r.State == FeedRunState.Resuming);

    /// <summary>Why runs were refused or failed, in the server's words.</summary>
    public IReadOnlyList<string> Problems => [.. All.Where(r => r.State == FeedRunState.Failed).Select(r => r.Problem ?? $"{r.Feed} failed.")];

    /// <summary>Whether there are runs and every one has ended or failed: nothing is left to watch.</summary>
    public bool AllFinished => All is { Count: > 0 } runs && runs.All(r => r.State is FeedRunState.Ended or FeedRunState.Failed);

    /// <summary>
    /// Each shared feed's last position (<c>seq@epoch</c>), for the page to keep in the browser across a reload: the
    /// kept ones, brought up to date with where the runs are now.
    /// </summary>
    public IReadOnlyDictionary<string, string> UpdatePositions()
    {
        lock (_gate)
        {
            foreach (var run in _runs.Values.Where(r => r.Position is not null))
            {
                _positions[run.Feed] = run.Position!;
            }

            return new Dictionary<string, string>(_positions, StringComparer.Ordinal);
        }
    }

    public FeedRunState? StateOf(string feed)
    {
        lock (_gate)
        {
            return _runs.TryGetValue(feed, out var run) ? run.State : null;
        }
    }

    /// <summary>Positions kept by the browser from before a reload: the next runs of those feeds resume after them.</summary>
    public void Restore(IReadOnlyDictionary<string, string> positions)
    {
        lock (_gate)
        {
            foreach (var (feed, position) in positions)
            {
                _positions[feed] = position;
            }
        }
    }

    /// <summary>Starts a run for each of <paramref name="feeds"/> that has none; <paramref name="settingsFor"/> gets the feed and its kept position.</summary>
    public void Start(IEnumerable<string> feeds, Func<string, string?, FeedStreamSettings> settingsFor)
    {
        lock (_gate)
        {
            foreach (var feed in feeds.Where(f => !_runs.ContainsKey(f)))
            {
                var run = new FeedRun(feed, settingsFor(feed, _positions.GetValueOrDefault(feed)), client, board, changed, timeProvider, logger, sessionLifetime);
                _runs[feed] = run;
                run.Start();
            }
        }
    }

    /// <summary>Stops <paramref name="runs"/> and waits for them; their positions are forgotten (a later start is a new watch).</summary>
    public async Task StopAsync(IEnumerable<FeedRun> runs)
    {
        var stopping = runs.ToList();
        lock (_gate)
        {
            foreach (var run in stopping)
            {
                _runs.Remove(run.Feed);
                _positions.Remove(run.Feed);
            }
        }

        await Task.WhenAll(stopping.Select(r => r.DisposeAsync().AsTask()));
    }

    /// <summary>Stops every run and forgets every position: Start after Stop is a new watch from now, not a replay.</summary>
    public async Task StopAllAsync()
    {
        await StopAsync(All);
        lock (_gate)
        {
            _positions.Clear();
        }
    }
}
