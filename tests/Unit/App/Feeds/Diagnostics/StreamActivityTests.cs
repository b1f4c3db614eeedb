using Tributary.App.Feeds.Diagnostics;

namespace Tributary.Tests.Unit.App.Feeds.Diagnostics;

public sealed class StreamActivityTests
{
    [Fact]
    public void Items_reach_the_shared_totals_when_their_batch_is_written_not_one_shared_update_per_item()
    {
        var stats = new StreamStats();
        using var activity = stats.BeginStream("/api/stream");

        for (var i = 0; i < 3; i++)
        {
            activity.Delivered(i);
        }

        var beforeWrite = stats.Snapshot();
        activity.Wrote(30);
        var afterWrite = stats.Snapshot();

        // Counted by the stream itself at once; added to the totals that every stream shares once per batch.
        Assert.Equal(3, activity.Items);
        Assert.Equal(0, beforeWrite.ItemsSent);
        Assert.Equal((3L, 3L, 30L), (afterWrite.ItemsSent, afterWrite.Endpoints["/api/stream"].ItemsSent, afterWrite.Endpoints["/api/stream"].BytesWritten));
    }

    [Fact]
    public void Items_not_yet_reported_reach_the_totals_when_the_stream_ends_or_are_reported_at_once_when_asked()
    {
        var stats = new StreamStats();
        using (var activity = stats.BeginStream("/hubs/feeds"))
        {
            activity.Delivered(1);
            activity.ReportDelivered();
            Assert.Equal(1, stats.Snapshot().ItemsSent);
            activity.Delivered(2);
        }

        Assert.Equal(2, stats.Snapshot().Endpoints["/hubs/feeds"].ItemsSent);
    }
}
