namespace Tributary.Load;

/// <summary>
/// What one broadcast reader has received: items, the sequence numbers it missed (a jump in <c>seq</c> or a
/// <c>gap</c> record), and each item's produce→deliver latency into a shared histogram while measuring.
/// Written by the reader's own task; read by the round between phases, where a slightly stale count is fine.
/// </summary>
internal sealed class BroadcastReader(LatencyHistogram latencies, Func<bool> measuring)
{
    private long _lastSequence;

    public long Items { get; private set; }

    public long Missed { get; private set; }

    public long GapRecords { get; private set; }

    public long LastSequence => _lastSequence;

    public void Received(long sequence, long timestampTicks, long receivedTicks)
    {
        if (_lastSequence != 0 && sequence != _lastSequence + 1)
        {
            Missed += Math.Max(0, sequence - _lastSequence - 1);
        }

        _lastSequence = sequence;
        Items++;
        if (measuring())
        {
            latencies.Add(receivedTicks - timestampTicks);
        }
    }

    public void Gap() => GapRecords++;

    /// <summary>Reads NDJSON records from a response body until it ends or the round stops.</summary>
    public async Task ReadNdjsonAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var carried = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(carried), cancellationToken)) > 0)
        {
            var now = DateTime.UtcNow.Ticks;
            var data = buffer.AsSpan(0, carried + read);
            int newline;
            while ((newline = data.IndexOf((byte)'\n')) >= 0)
            {
                var line = data[..newline];
                if (RecordLine.TryReadItem(line, out var sequence, out var ts))
                {
                    Received(sequence, ts, now);
                }
                else if (RecordLine.IsGap(line))
                {
                    Gap();
                }

                data = data[(newline + 1)..];
            }

            data.CopyTo(buffer);
            carried = data.Length;
        }
    }
}
