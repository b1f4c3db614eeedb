using Microsoft.Extensions.Logging;
using Tributary.App.Feeds;
using Tributary.App.Streams;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Streams;

/// <summary>How the failure that ends a stream is logged, for every entry point: once, at the level it deserves.</summary>
public sealed class StreamEndLogTests
{
    public static TheoryData<string, LogLevel> Failures => new()
    {
        { "feed failed", LogLevel.Error },
        { "reader fell behind", LogLevel.Warning },
        { "logged where it failed", LogLevel.Debug },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_stream_ending_failure_is_logged_once_at_its_level(string kind, LogLevel expected)
    {
        var logs = new CollectingLoggerProvider();

        StreamEndLog.EndedByFailure(logs.CreateLogger("streams"), Failure(kind));

        Assert.Equal(expected, Assert.Single(logs.Entries).Level);
    }

    private static FeedFailedException Failure(string kind) => kind switch
    {
        "reader fell behind" => FeedFailedException.ReaderBehind("news", 256),
        "logged where it failed" => new FeedFailedException("news", new IOException("upstream reset")).AsLogged(),
        _ => new FeedFailedException("news", new IOException("upstream reset")),
    };
}
