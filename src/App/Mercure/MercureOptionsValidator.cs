using Microsoft.Extensions.Options;
using Tributary.App.Feeds;

namespace Tributary.App.Mercure;

/// <summary>Checks the <c>Mercure</c> section at start: the feed it names and both keys, so a bad one stops start-up with its setting named.</summary>
public sealed class MercureOptionsValidator(FeedCatalog catalog) : IValidateOptions<MercureOptions>
{
    public ValidateOptionsResult Validate(string? name, MercureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!TryFind(options.Feed, out var feed))
        {
            // The catalog is invalid, and its own validation says why: once is enough.
        }
        else if (feed is null)
        {
            errors.Add($"Mercure:Feed names feed '{options.Feed}', which is not in the catalog; add a feed of Kind mercure with that name, or set Mercure:Feed to empty to turn the hub off.");
        }
        else if (!feed.IsMercure)
        {
            errors.Add($"Mercure:Feed names feed '{feed.Name}', a {feed.Kind} feed; the hub's updates need a feed of Kind mercure, which only the hub reads and writes.");
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

    private bool TryFind(string name, out FeedDefinition? feed)
    {
        try
        {
            feed = catalog.Find(name);
            return true;
        }
        catch (OptionsValidationException)
        {
            feed = null;
            return false;
        }
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
