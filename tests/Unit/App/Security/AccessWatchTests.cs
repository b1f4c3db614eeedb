using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.App.Security;

namespace Tributary.Tests.Unit.App.Security;

public sealed class AccessWatchTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_key_that_expires_between_two_readings_of_the_clock_still_ends_the_stream()
    {
        // A real clock moves between any two readings; under load, an expiry can fall between the lease's look at
        // whether the key has ended and its look at when it ends. This clock is just before the expiry at its first
        // reading and just after it at its second.
        var clock = new SteppingClock(Expiry - TimeSpan.FromTicks(1), TimeSpan.FromTicks(2));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Keys",
            ["Auth:Keys:0:Name"] = "expiring",
            ["Auth:Keys:0:Hash"] = AccessKeys.HashOf(AccessKeys.NewKey()),
            ["Auth:Keys:0:Feeds:0"] = "news",
            ["Auth:Keys:0:Expires"] = Expiry.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        using var settings = new AuthSettings(configuration, NullLogger<AuthSettings>.Instance);
        var signedOut = new SignedOutSessions(clock);
        var access = new FeedAccess(settings, new AccessKeys(settings, clock), signedOut, clock);
        using var watch = new AccessWatch(access, settings, signedOut, clock);
        var user = AccessKeys.PrincipalFor(settings.Current.Keys[0], "test");

        using var lease = watch.Watch(user, []);

        // Ended now, or a timer set for the expiry that has just passed: never neither.
        Assert.True(lease.Token.IsCancellationRequested || clock.TimersCreated > 0, "The lease neither ended nor set a timer: its stream would never end.");
    }

    /// <summary>A clock that moves on by <paramref name="step"/> at each reading; its timers are counted, never run.</summary>
    private sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public int TimersCreated { get; private set; }

        public override DateTimeOffset GetUtcNow()
        {
            var now = _now;
            _now += step;
            return now;
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            TimersCreated++;
            return base.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }
}
