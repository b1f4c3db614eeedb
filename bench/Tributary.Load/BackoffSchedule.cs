namespace Tributary.Load;

/// <summary>What the app's reconnect backoff allows at most: attempt n waits at least half of min × 2^(n-1), capped at max.</summary>
internal static class BackoffSchedule
{
    public static int MostAttempts(TimeSpan window, TimeSpan min, TimeSpan max)
    {
        var attempts = 1;
        var elapsed = TimeSpan.Zero;
        for (var n = 1; ; n++)
        {
            var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Min(n - 1, 30)));
            elapsed += TimeSpan.FromMilliseconds(ceiling / 2);
            if (elapsed > window)
            {
                return attempts;
            }

            attempts++;
        }
    }
}
