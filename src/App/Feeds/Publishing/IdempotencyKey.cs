namespace Tributary.App.Feeds.Publishing;

/// <summary>
/// A request's <c>Idempotency-Key</c>, with a fingerprint of what it asked: the same key with another request is a
/// mistake to refuse, not a retry to answer.
/// </summary>
/// <param name="Value">The key as the client sent it.</param>
/// <param name="Fingerprint">A hash of the request's items (data and ids), in order.</param>
public sealed record IdempotencyKey(string Value, string Fingerprint);
