using Tributary.App.Feeds.Requests;

namespace Tributary.Tests.Unit.App.Feeds.Requests;

public sealed class StreamingOptionsValidatorTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("00:00:00.020", true)]
    [InlineData("00:00:01", true)]
    [InlineData("00:00:00", false)]
    [InlineData("00:00:02", false)]
    public void A_flush_interval_is_unset_or_between_zero_and_one_second(string? interval, bool valid)
    {
        var options = new StreamingOptions { FlushInterval = interval is null ? null : TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new StreamingOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Streaming:FlushInterval must be more than 0 and at most 1 s", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
