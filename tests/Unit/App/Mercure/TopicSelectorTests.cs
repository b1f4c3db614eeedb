using Tributary.App.Mercure;

namespace Tributary.Tests.Unit.App.Mercure;

public sealed class TopicSelectorTests
{
    [Theory]
    [InlineData("*", "https://example.com/anything", true)]
    [InlineData("https://example.com/books/1", "https://example.com/books/1", true)]
    [InlineData("https://example.com/books/1", "https://example.com/books/10", false)]
    [InlineData("https://example.com/books/1", "https://example.com/Books/1", false)]
    [InlineData("https://example.com/books/{id}", "https://example.com/books/42", true)]
    [InlineData("https://example.com/books/{id}", "https://example.com/books/42/reviews", false)]
    [InlineData("https://example.com/books/{id}", "https://example.com/books/", true)]
    [InlineData("https://example.com/books/{id}", "https://example.org/books/42", false)]
    [InlineData("https://example.com/{+path}", "https://example.com/books/42/reviews", true)]
    [InlineData("https://example.com/books{/id,part}", "https://example.com/books/42/cover", true)]
    [InlineData("https://example.com/books{?page}", "https://example.com/books?page=2", true)]
    [InlineData("https://example.com/books{?page}", "https://example.com/books", true)]
    [InlineData("https://example.com/books/{id}.{format}", "https://example.com/books/42.json", true)]
    [InlineData("urn:book:{id}", "urn:book:a.b", true)]
    [InlineData("https://example.com/(a)/{id}", "https://example.com/(a)/1", true)]
    [InlineData("https://example.com/(a)/{id}", "https://example.com/a/1", false)]
    public void A_selector_matches_the_topics_it_names(string selector, string topic, bool matches)
    {
        var parsed = TopicSelector.TryParse(selector, out var error);

        Assert.Null(error);
        Assert.Equal(matches, parsed!.Matches(topic));
    }

    [Theory]
    [InlineData("https://example.com/{id")]
    [InlineData("https://example.com/{}")]
    [InlineData("https://example.com/{a b}")]
    public void Braces_that_make_no_uri_template_are_a_topic_compared_exactly(string selector)
    {
        var parsed = TopicSelector.TryParse(selector, out _)!;

        Assert.True(parsed.Matches(selector));
        Assert.False(parsed.Matches("https://example.com/1"));
    }

    [Fact]
    public void A_template_does_not_match_a_topic_with_a_trailing_line_feed()
    {
        Assert.False(TopicSelector.TryParse("https://example.com/books/{id}", out _)!.Matches("https://example.com/books/1\n"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("long", "longer than the 2048 taken")]
    public void A_selector_that_cannot_be_taken_is_refused_with_the_reason(string selector, string reason)
    {
        Assert.Null(TopicSelector.TryParse(selector == "long" ? new string('a', 2049) : selector, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
