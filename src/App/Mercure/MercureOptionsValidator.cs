using System.Globalization;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;

namespace Tributary.App.Mercure;

/// <summary>Checks the <c>Mercure</c> section at start: the hub's feed and both keys, so a bad one stops start-up with its setting named.</summary>
public sealed class MercureOptionsValidator(IConfiguration configuration) : IValidateOptions<MercureOptions>
{
    public ValidateOptionsResult Validate(string? name, MercureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!FeedCatalogValidator.IsFeedName(options.Feed))
        {
            errors.Add($"Mercure:Feed '{options.Feed}' must be 1-32 characters of a-z, 0-9, '-' or '_', starting with a letter or digit (or empty, to turn the hub off).");
        }
        else if (FeedCatalogOptions.Read(configuration).Feeds.FindIndex(f => string.Equals(f.Name, options.Feed, StringComparison.OrdinalIgnoreCase)) is var listed and >= 0)
        {
            errors.Add($"Mercure:Feed '{options.Feed}' is also the name of Feeds[{listed}]; the hub adds a feed of that name for its updates: give Mercure:Feed another name.");
        }

        if (options.SubscriberBuffer < 1)
        {
            errors.Add($"Mercure:SubscriberBuffer must be at least 1, but was {options.SubscriberBuffer}.");
        }

        if (options.HistoryLength < 0 || options.HistoryMaxBytes < 0)
        {
            errors.Add($"Mercure:HistoryLength and Mercure:HistoryMaxBytes must be 0 or more, but were {options.HistoryLength} and {options.HistoryMaxBytes}.");
        }

        if (options.MaxUpdateBytes < 1 || options.MaxUpdateBytes > FeedDefinition.MaxItemBytesLimit)
        {
            errors.Add($"Mercure:MaxUpdateBytes must be between 1 and {FeedDefinition.MaxItemBytesLimit.ToString(CultureInfo.InvariantCulture)} (64 MiB), but was {options.MaxUpdateBytes}.");
        }

        Check("Publisher", options.PublisherJwtKey, options.PublisherJwtAlgorithm, errors);
        Check("Subscriber", options.SubscriberJwtKey, options.SubscriberJwtAlgorithm, errors);
        if (options.Heartbeat < TimeSpan.FromSeconds(1) || options.Heartbeat > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Mercure:Heartbeat must be between 1 second and 10 minutes, but was {options.Heartbeat}.");
        }

        foreach (var origin in options.CorsOrigins.Where(o => o != "*" && !(Uri.TryCreate(o, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && !o.EndsWith('/'))))
        {
            errors.Add($"Mercure:CorsOrigins has '{origin}', which is not an origin such as https://app.example.com (scheme, host and port only) or *.");
        }

        if (string.IsNullOrWhiteSpace(options.CookieName) || options.CookieName.Any(c => char.IsWhiteSpace(c) || c is ';' or ',' or '='))
        {
            errors.Add($"Mercure:CookieName '{options.CookieName}' is not a cookie name.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(string role, string key, string algorithm, List<string> errors)
    {
        if (key.Length == 0)
        {
            return;
        }

        if (MercureSigningKey.TryCreate(key, algorithm, out var error) is null)
        {
            errors.Add($"Mercure:{role}JwtKey / Mercure:{role}JwtAlgorithm: {error}");
        }
    }
}
