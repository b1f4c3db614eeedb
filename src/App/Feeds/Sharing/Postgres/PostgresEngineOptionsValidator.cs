using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>Checks <c>Sharing:Postgres</c> (and the former keys under <c>Sharing</c>) when the app starts.</summary>
public sealed partial class PostgresEngineOptionsValidator : IValidateOptions<PostgresEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!SchemaName().IsMatch(options.Schema ?? ""))
        {
            errors.Add($"Sharing:Postgres:Schema must be a lower-case identifier of at most 40 characters (letters, digits, '_'), but was '{options.Schema}'.");
        }

        Check(errors, options.StartupWait >= TimeSpan.Zero && options.StartupWait <= TimeSpan.FromHours(1), $"Sharing:Postgres:StartupWait must be between 0 and 1 hour, but was {options.StartupWait}.");
        Check(errors, options.ReconnectMaxDelay >= TimeSpan.FromMilliseconds(100) && options.ReconnectMaxDelay <= TimeSpan.FromMinutes(5), $"Sharing:Postgres:ReconnectMaxDelay must be between 100 ms and 5 minutes, but was {options.ReconnectMaxDelay}.");
        Check(errors, options.AppendBatchSize is >= 1 and <= 100_000, $"Sharing:Postgres:AppendBatchSize must be between 1 and 100000, but was {options.AppendBatchSize}.");
        Check(errors, options.PollInterval >= TimeSpan.FromMilliseconds(50) && options.PollInterval <= TimeSpan.FromMinutes(1), $"Sharing:Postgres:PollInterval must be between 50 ms and 1 minute, but was {options.PollInterval}.");
        Check(errors, options.TrimInterval >= TimeSpan.FromMilliseconds(100) && options.TrimInterval <= TimeSpan.FromHours(1), $"Sharing:Postgres:TrimInterval must be between 100 ms and 1 hour, but was {options.TrimInterval}.");
        Check(errors, options.TrimBatchSize is >= 1 and <= 1_000_000, $"Sharing:Postgres:TrimBatchSize must be between 1 and 1000000, but was {options.TrimBatchSize}.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, bool ok, string message)
    {
        if (!ok)
        {
            errors.Add(message);
        }
    }

    // The schema name goes into SQL and a NOTIFY channel name, so it is held to a plain identifier.
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$")]
    private static partial Regex SchemaName();
}
