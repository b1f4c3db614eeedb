namespace Tributary.App.Feeds.Diagnostics;

/// <summary>One endpoint in <c>/api/stats</c>: the same numbers the <c>Tributary</c> meter publishes.</summary>
/// <param name="ActiveStreams">Streams open now.</param>
/// <param name="TotalStreams">Streams opened since the server started.</param>
/// <param name="ItemsSent">Data items delivered (gap, reset and other control records not included).</param>
/// <param name="BytesWritten">Bytes of records written, before content coding.</param>
/// <param name="Gaps">Gap records delivered: items a slow reader missed, or history no longer kept.</param>
/// <param name="Resets">Reset records delivered: a feed started over (a new epoch).</param>
public sealed record EndpointStatsSnapshot(long ActiveStreams, long TotalStreams, long ItemsSent, long BytesWritten, long Gaps, long Resets);
