using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Mercure;

public sealed class MercureOptionsValidatorTests
{
    [Theory]
    [InlineData("Mercure:Feed", "events", "also the name of Feeds[5]")]
    [InlineData("Mercure:Feed", "Bad Name", "Mercure:Feed 'Bad Name' must be")]
    [InlineData("Mercure:MaxUpdateBytes", "0", "Mercure:MaxUpdateBytes")]
    [InlineData("Mercure:PublisherJwtKey", "short", "at least 32 bytes")]
    [InlineData("Mercure:SubscriberJwtAlgorithm", "ES256", "not HS256 or RS256")]
    [InlineData("Mercure:CorsOrigins:0", "https://app.example.com/path", "not an origin")]
    [InlineData("Mercure:Heartbeat", "00:00:00", "Mercure:Heartbeat")]
    public async Task A_bad_setting_stops_start_up_with_the_setting_named(string key, string value, string named)
    {
        var settings = StreamApiFixture.TestSettings([.. MercureTestTokens.HubSettings(anonymous: true), (key, value)]);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => LoopbackApp.StartAsync(settings));

        Assert.Contains(named, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_RS256_key_that_is_not_a_PEM_public_key_stops_start_up()
    {
        var settings = StreamApiFixture.TestSettings([("Mercure:PublisherJwtAlgorithm", "RS256"), ("Mercure:PublisherJwtKey", "not a pem")]);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => LoopbackApp.StartAsync(settings));

        Assert.Contains("Mercure:PublisherJwtKey", failure.ToString(), StringComparison.Ordinal);
    }
}
