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
    [InlineData("https://example.com/{id", "not closed")]
    [InlineData("https://example.com/id}", "closes no expression")]
    [InlineData("https://example.com/{}", "not an expression")]
    [InlineData("https://example.com/{a b}", "not an expression")]
    [InlineData("", "empty")]
    public void A_selector_that_is_not_a_uri_template_is_refused_with_the_reason(string selector, string reason)
    {
        Assert.Null(TopicSelector.TryParse(selector, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
