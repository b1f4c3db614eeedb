using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Requests;

/// <summary>
/// The one set of request rules behind /api/stream, the exports and the hub. The endpoint and hub tests
/// check that each entry point answers with these messages; here the rules themselves.
/// </summary>
public sealed class FeedRequestRulesTests
{
    private readonly FeedRequestRules _rules = new(
        TestCatalogs.Create(
            new StreamStats(),
            new FeedDefinition { Name = "news", Kind = FeedKind.News },
            new FeedDefinition { Name = "counter", Kind = FeedKind.Counter, MaxRate = 100, MaxCount = 50 }),
        Options.Create(new StreamingOptions { MaxFeedsPerRequest = 2 }));

    [Theory]
    [InlineData(new[] { "nope" }, null, null, null, null, "Unknown feed 'nope'. Known feeds: news, counter.")]
    [InlineData(new string[0], null, null, null, null, "No feeds were requested. Pass feeds=name[,name...]; known feeds: news, counter.")]
    [InlineData(new[] { "news,counter,x" }, null, null, null, null, "3 feeds were requested; at most 2 can be merged in one stream.")]
    [InlineData(new[] { "news" }, 5.0, null, null, null, "rate and count apply only to counter feeds, but 'news' is a news feed.")]
    [InlineData(new[] { "counter" }, 101.0, null, null, null, "rate must be 0 (as fast as possible) or between 0.001 and 100, but was 101.")]
    [InlineData(new[] { "counter" }, double.NaN, null, null, null, "rate must be 0 (as fast as possible) or between 0.001 and 100, but was NaN.")]
    [InlineData(new[] { "counter" }, 1e-7, null, null, null, "rate must be 0 (as fast as possible) or between 0.001 and 100, but was 1E-07.")]
    [InlineData(new[] { "counter" }, null, 51L, null, null, "count must be between 0 and 50, but was 51.")]
    [InlineData(new[] { "counter" }, null, null, 0L, null, "limit must be between 1 and 9223372036854775807, but was 0.")]
    [InlineData(new[] { "news" }, null, null, null, "news", "since must be feed:seq[@epoch][,feed:seq[@epoch]...], but was 'news'.")]
    [InlineData(new[] { "news" }, null, null, null, null, "tail must be 0 or more, but was -1.", -1L)]
    [InlineData(new[] { "counter" }, null, null, null, null, "tail replays the history of shared feeds, but 'counter' runs privately for each stream and keeps none.", 10L)]
    [InlineData(new[] { "counter" }, 5.0, null, null, null, "tail replays the history of shared feeds, but with rate or count every feed runs privately for this stream and keeps none.", 10L)]
    public void Bad_input_is_refused_with_a_message_naming_the_problem(string[] feeds, double? rate, long? count, long? limit, string? since, string expected, long? tail = null)
    {
        var (request, error) = _rules.Check(new FeedRequestInput(feeds, rate, count, limit, since, Tail: tail));

        Assert.Null(request);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_tail_is_kept_for_feeds_without_a_position_and_a_position_wins_over_it()
    {
        var (request, error) = _rules.Check(new FeedRequestInput(["news", "counter"], Since: "counter:7", Tail: 100_000));

        Assert.Null(error);
        // "Up to N": a tail longer than any history is each feed's whole history, not an error.
        Assert.Equal(FeedStart.Last(100_000), request!.StartOf("news"));
        Assert.Equal(FeedStart.Resume(new FeedPosition(7)), request.StartOf("counter"));
    }

    [Fact]
    public void A_position_from_Last_Event_ID_is_named_as_such_when_malformed()
    {
        var (_, error) = _rules.Check(new FeedRequestInput(["news"], Since: "x", SinceSource: "Last-Event-ID"));

        Assert.Equal("Last-Event-ID must be feed:seq[@epoch][,feed:seq[@epoch]...], but was 'x'.", error);
    }

    [Fact]
    public void A_good_request_merges_duplicate_names_and_keeps_its_overrides_limit_and_position()
    {
        var (request, error) = _rules.Check(new FeedRequestInput(["counter", "COUNTER, counter"], Rate: 0, Count: 5, Limit: 3, Since: "counter:7"));

        Assert.Null(error);
        Assert.Equal(["counter"], request!.Feeds.Select(f => f.Name));
        Assert.Equal(new CounterOverrides(0, 5), request.Overrides);
        Assert.Equal(3, request.Limit);
        Assert.Equal(new FeedPosition(7), request.Since.For("counter"));
    }

    [Fact]
    public void A_request_without_overrides_leaves_the_catalogs_values()
    {
        var (request, _) = _rules.Check(new FeedRequestInput(["news"]));

        Assert.Same(CounterOverrides.None, request!.Overrides);
        Assert.True(request.Since.IsEmpty);
    }
}
