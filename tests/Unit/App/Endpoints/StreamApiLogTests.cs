using Microsoft.Extensions.Logging;
using Tributary.App.Endpoints;
using Tributary.App.Feeds;
using Tributary.App.Hubs;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

/// <summary>How each boundary logs the failure that ends a stream: once, at the level it deserves.</summary>
public sealed class StreamApiLogTests
{
    public static TheoryData<string, LogLevel> Failures => new()
    {
        { "feed failed", LogLevel.Error },
        { "reader fell behind", LogLevel.Warning },
        { "logged where it failed", LogLevel.Debug },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void The_http_boundary_logs_a_stream_ending_failure_once_at_its_level(string kind, LogLevel expected)
    {
        var logs = new CollectingLoggerProvider();

        StreamApiLog.StreamEndedByFailure(logs.CreateLogger("http"), Failure(kind));

        Assert.Equal(expected, Assert.Single(logs.Entries).Level);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void The_hub_boundary_logs_a_stream_ending_failure_once_at_its_level(string kind, LogLevel expected)
    {
        var logs = new CollectingLoggerProvider();

        FeedHubLog.StreamEndedByFailure(logs.CreateLogger("hub"), Failure(kind), "connection-1");

        Assert.Equal(expected, Assert.Single(logs.Entries).Level);
    }

    private static FeedFailedException Failure(string kind) => kind switch
    {
        "reader fell behind" => FeedFailedException.ReaderBehind("news", 256),
        "logged where it failed" => new FeedFailedException("news", new IOException("upstream reset")).AsLogged(),
        _ => new FeedFailedException("news", new IOException("upstream reset")),
    };
}
