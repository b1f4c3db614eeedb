namespace Tributary.App.Feeds.Publishing;

/// <summary>An <c>Idempotency-Key</c> sent again, within its window, with a different request than the first time.</summary>
public sealed class IdempotencyKeyReusedException : Exception
{
    public IdempotencyKeyReusedException()
    {
    }

    public IdempotencyKeyReusedException(string message)
        : base(message)
    {
    }

    public IdempotencyKeyReusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static IdempotencyKeyReusedException For(string feed, string key) =>
        new($"Idempotency-Key '{key}' was used within its window for a different publish to feed '{feed}'; use a new key for a new request.");
}
