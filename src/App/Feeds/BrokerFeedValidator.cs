using System.Globalization;

namespace Tributary.App.Feeds;

/// <summary>
/// The catalog's checks for the message-system kinds (<c>nats</c>, <c>mqtt</c>, <c>redis</c>): each wrong value is named
/// with its feed and setting, and no message repeats an address or a credential (start-up errors are logged).
/// </summary>
internal static class BrokerFeedValidator
{
    public static void Validate(FeedDefinition feed, string where, List<string> errors)
    {
        ValidateFieldsBelong(feed, where, errors);
        if (feed.IsBroker && Uri.TryCreate(feed.Url, UriKind.Absolute, out var url) && (url.AbsolutePath is not ("/" or "") || url.Query.Length > 0))
        {
            errors.Add($"{where}: Url names only the server for a {feed.Kind} feed (scheme, credentials, host and port): what it reads goes in its own settings, not in a path or query.");
        }

        switch (feed.Kind)
        {
            case FeedKind.Nats:
                ValidateNats(feed, where, errors);
                break;
            case FeedKind.Mqtt:
                ValidateMqtt(feed, where, errors);
                break;
            case FeedKind.Redis:
                ValidateRedis(feed, where, errors);
                break;
        }
    }

    /// <summary>The schemes a broker kind's <c>Url</c> may have; empty for other kinds.</summary>
    public static string[] Schemes(string kind) => kind switch
    {
        FeedKind.Nats => ["nats", "tls"],
        FeedKind.Mqtt => ["mqtt", "mqtts"],
        FeedKind.Redis => ["redis", "rediss"],
        _ => [],
    };

    /// <summary>Whether <paramref name="start"/> is a time rather than a keyword or a position.</summary>
    public static bool TryParseStartTime(string start, out DateTimeOffset time)
    {
        time = default;
        return start.Contains('T', StringComparison.Ordinal) &&
            DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    private static void ValidateFieldsBelong(FeedDefinition feed, string where, List<string> errors)
    {
        OnlyFor(feed, "Subject", feed.Subject, [FeedKind.Nats], where, errors);
        OnlyFor(feed, "Stream", feed.Stream, [FeedKind.Nats, FeedKind.Redis], where, errors);
        OnlyFor(feed, "Start", feed.Start, [FeedKind.Nats, FeedKind.Redis], where, errors);
        OnlyFor(feed, "Topic", feed.Topic, [FeedKind.Mqtt], where, errors);
        OnlyFor(feed, "Qos", feed.Qos?.ToString(CultureInfo.InvariantCulture), [FeedKind.Mqtt], where, errors);
        OnlyFor(feed, "MqttVersion", feed.MqttVersion, [FeedKind.Mqtt], where, errors);
        OnlyFor(feed, "ClientId", feed.ClientId, [FeedKind.Mqtt], where, errors);
        OnlyFor(feed, "Channel", feed.Channel, [FeedKind.Redis], where, errors);
        OnlyFor(feed, "Username", feed.Username, [FeedKind.Nats, FeedKind.Mqtt, FeedKind.Redis], where, errors);
        OnlyFor(feed, "Password", feed.Password, [FeedKind.Nats, FeedKind.Mqtt, FeedKind.Redis], where, errors);
        if (feed.Envelope && !feed.IsBroker)
        {
            errors.Add($"{where}: Envelope applies only to nats, mqtt and redis feeds, not to a {feed.Kind} feed.");
        }

        if (feed.IsBroker && feed.Shared == false)
        {
            errors.Add($"{where}: a {feed.Kind} feed is always shared (one subscription to the broker for every reader); remove Shared=false.");
        }
    }

    private static void ValidateNats(FeedDefinition feed, string where, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(feed.Subject) || feed.Subject.Any(char.IsWhiteSpace) || feed.Subject.Split('.').Any(t => t.Length == 0))
        {
            errors.Add($"{where}: Subject must name the NATS subject to read (tokens separated by '.', wildcards '*' and '>' allowed, no spaces) for a nats feed.");
        }

        if (feed.Stream is { } stream && (stream.Length == 0 || stream.Any(c => char.IsWhiteSpace(c) || c is '.' or '*' or '>' or '/' or '\\')))
        {
            errors.Add($"{where}: Stream must be a JetStream stream name (no spaces, '.', '*', '>', '/' or '\\').");
        }

        if (feed.Start is { } start && feed.Stream is null)
        {
            errors.Add($"{where}: Start applies only to a nats feed that reads a JetStream Stream; core NATS delivers only what is published while connected.");
        }
        else if (feed.Start is { } from && !IsKeyword(from) && !(ulong.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0) && !TryParseStartTime(from, out _))
        {
            errors.Add($"{where}: Start must be New, All, Last, a stream sequence to start at (a whole number from 1) or an ISO 8601 time such as 2026-01-31T12:00:00Z, not '{from}'.");
        }
    }

    private static void ValidateMqtt(FeedDefinition feed, string where, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(feed.Topic) || !IsTopicFilter(feed.Topic))
        {
            errors.Add($"{where}: Topic must be an MQTT topic filter ('+' for one level, '#' as the last level only) for an mqtt feed.");
        }

        if (feed.Qos is not (null or 0 or 1))
        {
            errors.Add($"{where}: Qos must be 0 (at most once) or 1 (at least once, with a persistent session), not {feed.Qos}.");
        }

        if (feed.MqttVersion is not (null or "5" or "3.1.1"))
        {
            errors.Add($"{where}: MqttVersion must be 5 or 3.1.1, not '{feed.MqttVersion}'.");
        }

        if (feed.ClientId is { } id && (id.Length is 0 or > 64 || id.Any(char.IsControl)))
        {
            errors.Add($"{where}: ClientId must be 1-64 characters without control characters.");
        }

        if (feed.SessionExpiry < TimeSpan.FromSeconds(1) || feed.SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            errors.Add($"{where}: SessionExpiry must be at least 1 second and at most {uint.MaxValue} seconds.");
        }
    }

    private static void ValidateRedis(FeedDefinition feed, string where, List<string> errors)
    {
        if (string.IsNullOrEmpty(feed.Stream) == string.IsNullOrEmpty(feed.Channel))
        {
            errors.Add($"{where}: a redis feed reads either a Stream (a stream key, with XREAD) or a Channel (pub/sub, a pattern with '*'): set exactly one.");
        }

        if (feed.Start is { } start && string.IsNullOrEmpty(feed.Stream))
        {
            errors.Add($"{where}: Start applies only to a redis feed that reads a Stream; pub/sub delivers only what is published while subscribed.");
        }
        else if (feed.Start is { } from && !IsKeyword(from) && !IsRedisStreamId(from) && !TryParseStartTime(from, out _))
        {
            errors.Add($"{where}: Start must be New, All, Last, a stream id (such as 1700000000000-0) or an ISO 8601 time such as 2026-01-31T12:00:00Z, not '{from}'.");
        }
    }

    private static bool IsKeyword(string start) => start is "New" or "All" or "Last";

    private static bool IsRedisStreamId(string id)
    {
        var parts = id.Split('-');
        return parts.Length is 1 or 2 && parts.All(p => ulong.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }

    private static bool IsTopicFilter(string topic)
    {
        var levels = topic.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if ((level.Contains('+', StringComparison.Ordinal) && level != "+") ||
                (level.Contains('#', StringComparison.Ordinal) && (level != "#" || i != levels.Length - 1)))
            {
                return false;
            }
        }

        return !topic.Contains('\0', StringComparison.Ordinal);
    }

    private static void OnlyFor(FeedDefinition feed, string field, string? value, string[] kinds, string where, List<string> errors)
    {
        if (value is not null && !kinds.Contains(feed.Kind, StringComparer.Ordinal))
        {
            var names = kinds.Length == 1 ? kinds[0] : $"{string.Join(", ", kinds[..^1])} and {kinds[^1]}";
            errors.Add($"{where}: {field} applies only to {names} feeds, not to a {feed.Kind} feed.");
        }
    }
}
