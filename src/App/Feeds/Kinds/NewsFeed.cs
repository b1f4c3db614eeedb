using System.Runtime.CompilerServices;

namespace Tributary.App.Feeds.Kinds;

/// <summary>Headlines from the configured list, in turn, or made up from a small grammar when none are configured.</summary>
internal static class NewsFeed
{
    private static readonly (string Category, string[] Subjects)[] Desks =
    [
        ("markets", ["Regional banks", "Chip makers", "Oil futures", "The bond market", "Retail stocks"]),
        ("science", ["Astronomers", "A deep-sea survey", "Climate researchers", "A fusion lab", "Geneticists"]),
        ("city", ["The transit authority", "City council", "The harbour board", "Local libraries", "The marathon committee"]),
        ("tech", ["An open-source project", "Browser makers", "A robotics start-up", "Cloud providers", "Game studios"]),
    ];

    // Past tense agrees with singular and plural subjects alike.
    private static readonly string[] Verbs = ["reported", "announced", "braced for", "celebrated", "warned of", "unveiled", "debated"];

    private static readonly string[] Objects =
    [
        "record quarterly results", "a surprise delay", "new safety rules", "a breakthrough in efficiency",
        "an overnight outage", "plans for expansion", "a sharp rebound", "the busiest week of the year",
    ];

    public static async IAsyncEnumerable<NewsHeadline> RunAsync(FeedDefinition feed, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var random = new Random(Random.Shared.Next());
        var pacer = new FeedPacer(feed.Rate, time);
        for (var n = 0; ; n++)
        {
            if (!await pacer.WaitForNextAsync(cancellationToken))
            {
                yield break;
            }

            yield return feed.Headlines.Count > 0
                ? new NewsHeadline(feed.Headlines[n % feed.Headlines.Count], "general")
                : Generate(random);
        }
    }

    private static NewsHeadline Generate(Random random)
    {
        var (category, subjects) = Desks[random.Next(Desks.Length)];
        var headline = $"{subjects[random.Next(subjects.Length)]} {Verbs[random.Next(Verbs.Length)]} {Objects[random.Next(Objects.Length)]}";
        return new NewsHeadline(headline, category);
    }
}
