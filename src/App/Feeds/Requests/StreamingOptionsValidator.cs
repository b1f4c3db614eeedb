using System.Net;
using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds.Requests;

public sealed class StreamingOptionsValidator : IValidateOptions<StreamingOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Check(options.MaxStreamsPerClient >= 1, "Streaming:MaxStreamsPerClient must be at least 1.", errors);
        Check(options.MaxStreamsPerConnection >= 1, "Streaming:MaxStreamsPerConnection must be at least 1.", errors);
        Check(options.HubClientLimitExempt.All(a => IPAddress.TryParse(a, out _)), "Streaming:HubClientLimitExempt must list IP addresses.", errors);
        Check(options.MaxFeedsPerRequest >= 1, "Streaming:MaxFeedsPerRequest must be at least 1.", errors);
        // A timer cannot wait longer than about 49 days; a month is more than any stream needs between reconnects.
        Check(options.MaxStreamDuration is null || (options.MaxStreamDuration > TimeSpan.Zero && options.MaxStreamDuration <= TimeSpan.FromDays(30)), $"Streaming:MaxStreamDuration must be positive and at most 30 days, or left out for no limit, but was {options.MaxStreamDuration}.", errors);
        Check(options.HeartbeatInterval >= TimeSpan.FromMilliseconds(10), "Streaming:HeartbeatInterval must be at least 10 ms.", errors);
        Check(options.ChannelCapacity >= 1, "Streaming:ChannelCapacity must be at least 1.", errors);
        Check(options.FlushInterval is null || (options.FlushInterval > TimeSpan.Zero && options.FlushInterval <= TimeSpan.FromSeconds(1)), "Streaming:FlushInterval must be more than 0 and at most 1 s (or unset, to write each item at once).", errors);
        // Well inside the host's 30 s shutdown timeout, which also covers stopping the shared feeds after it.
        Check(options.HubShutdownDrain >= TimeSpan.Zero && options.HubShutdownDrain <= TimeSpan.FromSeconds(10), "Streaming:HubShutdownDrain must be between 0 and 10 seconds.", errors);
        Check(options.RetryAfterSeconds >= 1, "Streaming:RetryAfterSeconds must be at least 1.", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(bool ok, string error, List<string> errors)
    {
        if (!ok)
        {
            errors.Add(error);
        }
    }
}
