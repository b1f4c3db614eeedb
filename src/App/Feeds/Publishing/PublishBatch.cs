namespace Tributary.App.Feeds.Publishing;

/// <summary>What one publish asks for: items appended in order, all or none, and the request's idempotency key.</summary>
/// <param name="Items">The items, in the order they join the feed.</param>
/// <param name="Key">The request's <c>Idempotency-Key</c>, if it sent one.</param>
/// <param name="DeduplicateIds">
/// Whether an item whose id was published within the window is a retry that creates nothing (the publish API). When
/// false (the Mercure hub, whose protocol delivers every publish), every item is appended and an id then names the
/// latest item that carried it.
/// </param>
public sealed record PublishBatch(IReadOnlyList<PublishItem> Items, IdempotencyKey? Key, bool DeduplicateIds = true);
