namespace Tributary.Streaming.Internal;

/// <summary>
/// Items one feed produced back to back, moved through a merge's channel as one entry so that a fast feed
/// costs one channel operation (and at most one wake-up) per run instead of per item.
/// </summary>
/// <remarks>
/// The array is a plain allocation (a few bytes per item): renting it from the shared pool cost more than
/// it saved, because runs are filled on producer threads and released on the consumer's.
/// </remarks>
internal readonly record struct ItemRun<T>(T[] Items, int Count);
