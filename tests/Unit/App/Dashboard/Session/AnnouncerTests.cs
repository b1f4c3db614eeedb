using Tributary.App.Dashboard.Session;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.Session;

public sealed class AnnouncerTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void A_sentence_that_must_wait_its_turn_is_kept_pending_and_told_when_its_turn_comes()
    {
        var announcer = new Announcer(_clock);
        announcer.Offer("Streaming news.");

        _clock.Advance(TimeSpan.FromSeconds(1));
        announcer.Offer("Stopped.");
        var whileWaiting = (announcer.Text, announcer.Pending);
        _clock.Advance(TimeSpan.FromSeconds(5));
        announcer.Offer("Stopped.");

        Assert.Equal(("Streaming news.", true), whileWaiting);
        Assert.Equal(("Stopped.", false), (announcer.Text, announcer.Pending));
    }
}
