using Tributary.App.Feeds.Requests;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// Readers who joined a run before it knew where the feed's store is: each waits for the position its live items start
/// after (null if the run ends first or the reader leaves). Not thread-safe: the shared feed's gate guards it.
/// </summary>
internal sealed class JoiningReaders
{
    private readonly List<(FeedSubscription Reader, TaskCompletionSource<FeedPosition?> Joined)> _waiting = [];

    /// <summary>The reader waits; the task completes with its start.</summary>
    public Task<FeedPosition?> Add(FeedSubscription reader)
    {
        var joined = new TaskCompletionSource<FeedPosition?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((reader, joined));
        return joined.Task;
    }

    /// <summary>The run has read the store's head: its readers start after it.</summary>
    public void Start(SharedFeedRun run, FeedPosition head)
    {
        foreach (var (reader, joined) in Of(run))
        {
            reader.StartAfter(head.Sequence);
            _waiting.Remove((reader, joined));
            joined.TrySetResult(head);
        }
    }

    /// <summary>The run ended before it knew: its readers never will.</summary>
    public void Forget(SharedFeedRun run)
    {
        foreach (var (reader, _) in Of(run))
        {
            Forget(reader);
        }
    }

    /// <summary>The reader left.</summary>
    public void Forget(FeedSubscription reader)
    {
        var index = _waiting.FindIndex(w => ReferenceEquals(w.Reader, reader));
        if (index >= 0)
        {
            _waiting[index].Joined.TrySetResult(null);
            _waiting.RemoveAt(index);
        }
    }

    private List<(FeedSubscription Reader, TaskCompletionSource<FeedPosition?> Joined)> Of(SharedFeedRun run) =>
        [.. _waiting.Where(w => ReferenceEquals(w.Reader.Run, run))];
}
