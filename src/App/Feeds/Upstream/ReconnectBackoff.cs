namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// Exponential backoff with jitter: attempt n waits between half and all of min × 2^(n-1), capped at max.
/// The jitter keeps many clients of one upstream from reconnecting in lockstep. It starts over only after a
/// connection stayed up for <see cref="FeedDefinition.BackoffResetAfter"/>, so an upstream that accepts and
/// drops at once is not redialled at the shortest delay forever.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan min, TimeSpan max, Random random)
{
    public int Attempt { get; private set; }

    public TimeSpan Next()
    {
        Attempt++;
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Min(Attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + (random.NextDouble() * ceiling / 2));
    }

    public void Reset() => Attempt = 0;
}
