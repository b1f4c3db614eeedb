using System.Buffers;

namespace Tributary.Streaming.Formatting;

/// <summary>Keeps an idle stream visibly alive: after <paramref name="Interval"/> without an item, <paramref name="Write"/> runs and is flushed.</summary>
/// <param name="Interval">How long the stream may be silent.</param>
/// <param name="Write">Writes the heartbeat (for SSE, a comment line).</param>
public sealed record LiveHeartbeat(TimeSpan Interval, Action<IBufferWriter<byte>> Write);
