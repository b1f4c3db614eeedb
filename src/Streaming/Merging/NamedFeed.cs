using Tributary.Streaming.Records;

namespace Tributary.Streaming.Merging;

/// <summary>A named feed for <see cref="FeedMerge"/>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Name">The feed's name, copied into every <see cref="FeedItem{T}"/> it produces.</param>
/// <param name="Open">Opens the feed; the token it receives is cancelled when the merge tears down.</param>
public sealed record NamedFeed<T>(string Name, Func<CancellationToken, IAsyncEnumerable<T>> Open);
