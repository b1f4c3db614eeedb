namespace Tributary.Load;

/// <summary>Produce→deliver latencies in 0.1 ms buckets up to 5 s (anything later counts as 5 s); thread-safe.</summary>
internal sealed class LatencyHistogram
{
    private const long TicksPerBucket = TimeSpan.TicksPerMillisecond / 10;
    private readonly long[] _buckets = new long[50_001];

    public void Add(long latencyTicks, long count = 1)
    {
        var bucket = (int)Math.Clamp(latencyTicks / TicksPerBucket, 0, _buckets.Length - 1);
        Interlocked.Add(ref _buckets[bucket], count);
    }

    public long Count => _buckets.Sum();

    /// <summary>The latency in milliseconds below which <paramref name="quantile"/> of the samples fall.</summary>
    public double Percentile(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(total * quantile);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                return (i + 1) / 10.0;
            }
        }

        return _buckets.Length / 10.0;
    }
}
