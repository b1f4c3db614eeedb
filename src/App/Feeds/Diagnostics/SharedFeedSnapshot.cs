namespace Tributary.App.Feeds.Diagnostics;

public sealed record SharedFeedSnapshot(string State, long Subscribers, long Dropped, long Sequence, long UpstreamConnections);
