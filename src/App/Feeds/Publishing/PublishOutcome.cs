namespace Tributary.App.Feeds.Publishing;

/// <summary>The answer to a publish: what each item became, in the order sent.</summary>
/// <param name="Items">One entry per item sent.</param>
/// <param name="Replayed">True when this is the stored answer to an earlier request with the same <c>Idempotency-Key</c>.</param>
public sealed record PublishOutcome(IReadOnlyList<PublishedItem> Items, bool Replayed);
