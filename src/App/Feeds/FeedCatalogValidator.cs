using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds;

/// <summary>
/// Checks the catalog at start-up, so a bad entry stops the app with a message naming the feed and the
/// field instead of failing on the first request.
/// </summary>
public sealed partial class FeedCatalogValidator : IValidateOptions<FeedCatalogOptions>
{
    private const double MaxPacedRate = 1000;

    public ValidateOptionsResult Validate(string? name, FeedCatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.Unreadable);
        if (options.Feeds.Count == 0 && options.Unreadable.Count == 0)
        {
            errors.Add("Feeds: the catalog is empty; add at least one feed to the Feeds list in appsettings.json.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Feeds.Count; i++)
        {
            var feed = options.Feeds[i];
            var where = string.IsNullOrWhiteSpace(feed.Name) ? $"Feeds[{i}]" : $"Feeds[{i}] '{feed.Name}'";
            ValidateFeed(feed, where, errors);
            if (feed.IsMercure && i < (options.ListedCount ?? options.Feeds.Count))
            {
                errors.Add($"{where}: Kind mercure is the Mercure hub's own feed, which the hub adds itself (named by Mercure:Feed); a listed feed cannot be one.");
            }

            if (!string.IsNullOrWhiteSpace(feed.Name) && !seen.Add(feed.Name))
            {
                errors.Add($"{where}: Name is used by an earlier feed; names must be unique.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Whether <paramref name="name"/> may name a feed: 1-32 characters of a-z, 0-9, '-' or '_', starting with a letter or digit.</summary>
    public static bool IsFeedName(string name) => FeedName().IsMatch(name);

    private static void ValidateFeed(FeedDefinition feed, string where, List<string> errors)
    {
        if (!FeedName().IsMatch(feed.Name))
        {
            errors.Add($"{where}: Name must be 1-32 characters of a-z, 0-9, '-' or '_', starting with a letter or digit.");
        }

        if (!FeedKind.All.Contains(feed.Kind, StringComparer.Ordinal))
        {
            errors.Add($"{where}: Kind '{feed.Kind}' is not one of {string.Join(", ", FeedKind.All)}.");
            return;
        }

        if (!feed.IsUpstream && !feed.IsPush)
        {
            ValidateRate(feed, where, errors);
        }

        if (feed.IsPush && !feed.IsShared)
        {
            errors.Add($"{where}: a {feed.Kind} feed is always shared (its publishers write one sequence for every reader); remove Shared=false.");
        }

        ValidateKindFields(feed, where, errors);
        ValidateUpstream(feed, where, errors);
        ValidateSharing(feed, where, errors);
    }

    private static void ValidateUpstream(FeedDefinition feed, string where, List<string> errors)
    {
        string[] schemes = feed.Kind switch
        {
            FeedKind.WebSocket => ["ws", "wss"],
            FeedKind.Sse or FeedKind.Ndjson => ["http", "https"],
            _ => BrokerFeedValidator.Schemes(feed.Kind),
        };
        if (schemes.Length > 0 && !(Uri.TryCreate(feed.Url, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme)))
        {
            // The address itself stays out of the message: it may carry credentials, and start-up errors are logged.
            errors.Add($"{where}: Url must be an absolute {string.Join(" or ", schemes)} address for a {feed.Kind} feed.");
        }

        if (schemes.Length == 0 && !string.IsNullOrEmpty(feed.Url))
        {
            errors.Add($"{where}: Url applies only to websocket, sse, ndjson, nats, mqtt and redis feeds, not to a {feed.Kind} feed.");
        }

        if (feed.Kind == FeedKind.File && string.IsNullOrWhiteSpace(feed.Path))
        {
            errors.Add($"{where}: Path must name the file to follow for a file feed.");
        }

        if (feed.Kind != FeedKind.File && !string.IsNullOrEmpty(feed.Path))
        {
            errors.Add($"{where}: Path applies only to file feeds, not to a {feed.Kind} feed.");
        }

        if (feed.IsUpstream && !(feed.ReconnectMinDelay > TimeSpan.Zero && feed.ReconnectMinDelay <= feed.ReconnectMaxDelay))
        {
            errors.Add($"{where}: ReconnectMinDelay must be more than 0 and at most ReconnectMaxDelay.");
        }

        if (feed.Kind == FeedKind.File && feed.PollInterval < TimeSpan.FromMilliseconds(10))
        {
            errors.Add($"{where}: PollInterval must be at least 10 ms.");
        }

        ValidateUpstreamLimits(feed, where, errors);
        BrokerFeedValidator.Validate(feed, where, errors);
    }

    private static void ValidateUpstreamLimits(FeedDefinition feed, string where, List<string> errors)
    {
        if (feed.MaxItemBytes < 1 || feed.MaxItemBytes > FeedDefinition.MaxItemBytesLimit)
        {
            errors.Add($"{where}: MaxItemBytes must be between 1 and {FeedDefinition.MaxItemBytesLimit} (64 MiB).");
        }

        if (feed.BackoffResetAfter < TimeSpan.Zero || feed.IdleTimeout < TimeSpan.Zero)
        {
            errors.Add($"{where}: BackoffResetAfter and IdleTimeout must be 0 or more.");
        }

        if (feed.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{where}: ConnectTimeout must be more than 0.");
        }

        if (feed.IdleTimeout > TimeSpan.Zero && !feed.IsNetworkUpstream)
        {
            errors.Add($"{where}: IdleTimeout applies only to websocket, sse and ndjson feeds, not to a {feed.Kind} feed.");
        }

        if (feed.FollowRedirects && feed.Kind is not (FeedKind.Sse or FeedKind.Ndjson))
        {
            errors.Add($"{where}: FollowRedirects applies only to sse and ndjson feeds, not to a {feed.Kind} feed.");
        }
    }

    private static void ValidateSharing(FeedDefinition feed, string where, List<string> errors)
    {
        if (feed.SubscriberBuffer < 1 || feed.HistoryLength < 0 || feed.HistoryMaxBytes < 0 || feed.Linger < TimeSpan.Zero)
        {
            errors.Add($"{where}: SubscriberBuffer must be at least 1, HistoryLength and HistoryMaxBytes 0 or more, and Linger 0 or more.");
        }

        if (feed.HistoryRetention is { } retention && (retention < TimeSpan.FromSeconds(1) || retention > TimeSpan.FromDays(3650)))
        {
            errors.Add($"{where}: HistoryRetention must be between 1 second and 3650 days, or left out for no age limit, but was {retention}.");
        }
    }

    private static void ValidateRate(FeedDefinition feed, string where, List<string> errors)
    {
        if (feed.IsCounter)
        {
            if (feed.IsShared && feed.Rate == 0)
            {
                errors.Add($"{where}: a shared counter needs a Rate above 0: unpaced, its one producer would run flat out whether or not anyone reads it.");
                return;
            }

            if (!(feed.Rate == 0 || (feed.Rate >= FeedDefinition.MinRate && feed.Rate <= feed.MaxRate)))
            {
                errors.Add($"{where}: Rate must be 0 (as fast as possible) or between {FeedDefinition.MinRate} and MaxRate ({feed.MaxRate}).");
            }

            return;
        }

        if (!(feed.Rate >= FeedDefinition.MinRate && feed.Rate <= MaxPacedRate))
        {
            errors.Add($"{where}: Rate must be between {FeedDefinition.MinRate} and {MaxPacedRate} items per second.");
        }
    }

    private static void ValidateKindFields(FeedDefinition feed, string where, List<string> errors)
    {
        RequireOnlyFor(feed, FeedKind.Ticker, "Symbols", feed.Symbols.Count > 0, where, errors);
        RequireOnlyFor(feed, FeedKind.Weather, "Stations", feed.Stations.Count > 0, where, errors);
        RequireOnlyFor(feed, FeedKind.News, "Headlines", feed.Headlines.Count > 0, where, errors);
        RequireOnlyFor(feed, FeedKind.Counter, "Count", feed.Count != 0, where, errors);
        RequireOnlyFor(feed, FeedKind.Counter, "FailAfter", feed.FailAfter != 0, where, errors);

        if (feed.Kind == FeedKind.Ticker && feed.Symbols.Count == 0)
        {
            errors.Add($"{where}: Symbols must list at least one symbol for a ticker feed.");
        }

        var badSymbols = feed.Kind == FeedKind.Ticker ? feed.Symbols.Where(s => !Symbol().IsMatch(s)).ToList() : [];
        if (badSymbols.Count > 0)
        {
            errors.Add($"{where}: Symbols must be 1-10 characters of A-Z, 0-9, '.' or '-'; not {string.Join(", ", badSymbols.Select(s => $"'{s}'"))}.");
        }

        if (feed.Kind == FeedKind.Weather && (feed.Stations.Count == 0 || feed.Stations.Any(string.IsNullOrWhiteSpace)))
        {
            errors.Add($"{where}: Stations must list at least one station name for a weather feed.");
        }

        if (feed.Kind == FeedKind.News && feed.Headlines.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{where}: Headlines must not contain empty entries.");
        }

        if (feed.IsCounter && (feed.Count < 0 || feed.MaxCount < 0 || feed.FailAfter < 0 || feed.MaxRate <= 0))
        {
            errors.Add($"{where}: Count, MaxCount and FailAfter must be 0 or more, and MaxRate more than 0.");
        }
    }

    private static void RequireOnlyFor(FeedDefinition feed, string kind, string field, bool isSet, string where, List<string> errors)
    {
        if (isSet && feed.Kind != kind)
        {
            errors.Add($"{where}: {field} applies only to {kind} feeds, not to a {feed.Kind} feed.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex FeedName();

    [GeneratedRegex("^[A-Z0-9.-]{1,10}$")]
    private static partial Regex Symbol();
}
