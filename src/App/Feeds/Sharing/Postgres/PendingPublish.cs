using Tributary.App.Feeds.Publishing;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// One publish waiting in its feed's <see cref="PostgresPublishQueue"/>: its batch, its outcome once a group commit
/// settles it, and its turn to lead the next group commit.
/// </summary>
internal sealed class PendingPublish(PublishBatch batch)
{
    private readonly TaskCompletionSource<PublishOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PublishBatch Batch { get; } = batch;

    /// <summary>Completes when the publish is committed (or replayed), or faults with why it was not.</summary>
    public Task<PublishOutcome> Outcome => _outcome.Task;

    /// <summary>Completes when this publish is to commit the next group, its own included.</summary>
    public Task Turn => _turn.Task;

    public void Lead() => _turn.TrySetResult();

    public void Settle(PublishOutcome outcome) => _outcome.TrySetResult(outcome);

    public void Fail(Exception failure) => _outcome.TrySetException(failure);
}
