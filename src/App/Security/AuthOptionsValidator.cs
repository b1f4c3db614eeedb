using Microsoft.Extensions.Options;

namespace Tributary.App.Security;

/// <summary>Refuses to start with an <c>Auth</c> section that would lock everyone out or accept forged tokens.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Mode.HasFlag(AuthModes.Keys))
        {
            foreach (var (key, index) in options.Keys.Select((k, i) => (k, i)))
            {
                if (string.IsNullOrWhiteSpace(key.Name))
                {
                    failures.Add($"Auth:Keys:{index} has no Name.");
                }

                if (!System.Text.RegularExpressions.Regex.IsMatch(key.Hash.Trim(), "^sha256:[0-9a-fA-F]{64}$"))
                {
                    failures.Add($"Auth:Keys:{index} ('{key.Name}') needs a Hash of the form sha256:<64 hex digits>, as 'keys new' prints it (never the key itself).");
                }
            }

            var duplicate = options.Keys.GroupBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                failures.Add($"Auth:Keys has two keys named '{duplicate.Key}'; names identify keys in logs and limits.");
            }
        }

        if (options.Mode.HasFlag(AuthModes.Jwt))
        {
            var jwt = options.Jwt;
            if (string.IsNullOrWhiteSpace(jwt.SigningKey) == string.IsNullOrWhiteSpace(jwt.Authority))
            {
                failures.Add("Auth:Jwt needs exactly one of SigningKey (a shared HS256 key) or Authority (an OpenID Connect issuer).");
            }
            else if (jwt.SigningKey is { } key && System.Text.Encoding.UTF8.GetByteCount(key) < 32)
            {
                failures.Add("Auth:Jwt:SigningKey must be at least 32 bytes.");
            }

            if (string.IsNullOrWhiteSpace(jwt.Issuer) || string.IsNullOrWhiteSpace(jwt.Audience))
            {
                failures.Add("Auth:Jwt needs Issuer and Audience, so tokens meant for other services are refused.");
            }
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || !string.Equals(origin.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"Auth:AllowedOrigins entry '{origin}' must be an origin such as https://ops.example.com (scheme, host and port only).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
