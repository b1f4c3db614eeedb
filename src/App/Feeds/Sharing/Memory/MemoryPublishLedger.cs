using Tributary.App.Feeds.Publishing;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// What the memory engine remembers of one push feed's publishes for retries: each <c>Idempotency-Key</c>'s answer and
/// each item id's place, for the idempotency window, and at most <paramref name="capacity"/> of them (the oldest go
/// first). Not thread-safe: its feed calls it under its gate.
/// </summary>
internal sealed class MemoryPublishLedger(TimeProvider time, TimeSpan window, int capacity)
{
    private readonly Dictionary<string, (string Fingerprint, PublishOutcome Answer, DateTimeOffset At)> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (PublishedItem Item, DateTimeOffset At)> _ids = new(StringComparer.Ordinal);

    // Everything remembered, oldest first, so forgetting costs only what expires.
    private readonly Queue<(DateTimeOffset At, string Name, bool IsRequest)> _expiry = new();

    /// <summary>The answer first given to <paramref name="key"/> within the window, if any.</summary>
    /// <exception cref="IdempotencyKeyReusedException">The key was used for a different request.</exception>
    public PublishOutcome? AnswerTo(string feed, IdempotencyKey key)
    {
        Forget();
        if (!_requests.TryGetValue(key.Value, out var remembered))
        {
            return null;
        }

        return string.Equals(remembered.Fingerprint, key.Fingerprint, StringComparison.Ordinal)
            ? remembered.Answer with { Replayed = true }
            : throw IdempotencyKeyReusedException.For(feed, key.Value);
    }

    /// <summary>The item first published with <paramref name="id"/> within the window, if any.</summary>
    public PublishedItem? ItemWith(string id)
    {
        Forget();
        return _ids.TryGetValue(id, out var remembered) ? remembered.Item : null;
    }

    public void Remember(PublishedItem item)
    {
        var now = time.GetUtcNow();
        _ids[item.Id!] = (item, now);
        _expiry.Enqueue((now, item.Id!, IsRequest: false));
        Forget();
    }

    public void Remember(IdempotencyKey key, PublishOutcome answer)
    {
        var now = time.GetUtcNow();
        _requests[key.Value] = (key.Fingerprint, answer, now);
        _expiry.Enqueue((now, key.Value, IsRequest: true));
        Forget();
    }

    private void Forget()
    {
        var horizon = time.GetUtcNow() - window;
        while (_expiry.TryPeek(out var oldest) && (oldest.At < horizon || _expiry.Count > capacity))
        {
            _expiry.Dequeue();
            // A name remembered again since has a newer entry behind this one.
            if (oldest.IsRequest && _requests.TryGetValue(oldest.Name, out var request) && request.At == oldest.At)
            {
                _requests.Remove(oldest.Name);
            }
            else if (!oldest.IsRequest && _ids.TryGetValue(oldest.Name, out var id) && id.At == oldest.At)
            {
                _ids.Remove(oldest.Name);
            }
        }
    }
}
