namespace Tributary.App.Feeds.Publishing;

/// <summary>What one publish asks for: items appended in order, all or none, and the request's idempotency key.</summary>
/// <param name="Items">The items, in the order they join the feed.</param>
/// <param name="Key">The request's <c>Idempotency-Key</c>, if it sent one.</param>
public sealed record PublishBatch(IReadOnlyList<PublishItem> Items, IdempotencyKey? Key);
