using Tributary.App.Feeds.Publishing;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// Group commit for one push feed's publishes on this instance. A publish holds its feed's row lock until its commit's
/// WAL flush, so publishes to one feed commit one at a time; here the publishes that arrive while a commit is in flight
/// wait, and the next commit takes all of them, in arrival order, in one transaction. One waiting publish leads each
/// group (the one that arrived first), then hands the lead to the first still waiting, so no request commits for
/// others forever and nothing runs without a request waiting on it.
/// </summary>
internal sealed class PostgresPublishQueue(PostgresPublisher publisher, FeedDefinition feed)
{
    // Bounds on one group: a commit with more would hold the feed's lock, and its waiting publishers, for longer.
    private const int MaxGroupPublishes = 64;
    private const int MaxGroupItems = 10_000;
    private const long MaxGroupBytes = 16 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly List<PendingPublish> _waiting = [];
    private bool _committing;

    /// <summary>Publishes <paramref name="batch"/> in the next group commit of its feed, and answers what it became.</summary>
    /// <remarks>
    /// A publish given up before a group takes it (and before it is handed the lead) leaves the queue; otherwise it is
    /// committed or not with its group (as a publish cancelled during its commit always was), and the caller is
    /// answered when that is known.
    /// </remarks>
    public async Task<PublishOutcome> PublishAsync(PublishBatch batch, CancellationToken cancellationToken)
    {
        var pending = new PendingPublish(batch);
        lock (_gate)
        {
            _waiting.Add(pending);
            if (!_committing)
            {
                _committing = true;
                pending.Lead();
            }
        }

        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        if (await Task.WhenAny(pending.Outcome, pending.Turn, cancelled) == cancelled && Withdraw(pending))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (pending.Turn.IsCompleted && !pending.Outcome.IsCompleted)
        {
            await CommitNextGroupAsync();
        }

        return await pending.Outcome;
    }

    // Takes a publish out of the queue if no group took it and it does not hold the lead.
    private bool Withdraw(PendingPublish pending)
    {
        lock (_gate)
        {
            return !pending.Turn.IsCompleted && _waiting.Remove(pending);
        }
    }

    private async Task CommitNextGroupAsync()
    {
        var group = TakeGroup();
        try
        {
            await publisher.CommitGroupAsync(feed, group, CancellationToken.None);
        }
#pragma warning disable CA1031 // Not expected (the group commit settles every publish itself), but no publish may be left waiting.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            group.ForEach(pending => pending.Fail(failure));
        }
        finally
        {
            lock (_gate)
            {
                if (_waiting.Count > 0)
                {
                    _waiting[0].Lead();
                }
                else
                {
                    _committing = false;
                }
            }
        }
    }

    // The waiting publishes in arrival order, within the bounds; a second publish with a key already in the group
    // waits for the next one, where it finds the first one's answer committed.
    private List<PendingPublish> TakeGroup()
    {
        lock (_gate)
        {
            var group = new List<PendingPublish>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var items = 0;
            long bytes = 0;
            foreach (var pending in _waiting)
            {
                var size = pending.Batch.Items.Sum(i => (long)i.DataJson.Length);
                if (group.Count == MaxGroupPublishes || (group.Count > 0 && (items + pending.Batch.Items.Count > MaxGroupItems || bytes + size > MaxGroupBytes)))
                {
                    break;
                }

                // The group's items go in one call to publish_entries, so they must agree on deduplicating ids.
                if (group.Count > 0 && pending.Batch.DeduplicateIds != group[0].Batch.DeduplicateIds)
                {
                    continue;
                }

                if (pending.Batch.Key is { } key && !keys.Add(key.Value))
                {
                    continue;
                }

                group.Add(pending);
                items += pending.Batch.Items.Count;
                bytes += size;
            }

            _waiting.RemoveAll(group.Contains);
            return group;
        }
    }
}
