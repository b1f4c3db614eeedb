namespace Tributary.App.Feeds.Publishing;

/// <summary>One item a publisher sends: its data, and the id that makes sending it again harmless.</summary>
/// <param name="DataJson">The item's data as compact JSON (one line, whatever the publisher's layout was).</param>
/// <param name="Id">
/// The publisher's id for the item, if any: within the idempotency window a second item with the same id on the same
/// feed creates nothing and is answered with the first one's place.
/// </param>
public sealed record PublishItem(ReadOnlyMemory<byte> DataJson, string? Id);
