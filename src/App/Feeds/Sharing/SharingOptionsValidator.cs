using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds.Sharing;

/// <summary>Checks the <c>Sharing</c> section and, for the PostgreSQL engine, that a connection string is set.</summary>
public sealed partial class SharingOptionsValidator(IConfiguration configuration) : IValidateOptions<SharingOptions>
{
    public ValidateOptionsResult Validate(string? name, SharingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Engine))
        {
            errors.Add($"Sharing:Engine must be Memory or Postgres, but was '{options.Engine}'.");
        }

        if (options.Engine == FeedEngineKind.Postgres && string.IsNullOrWhiteSpace(configuration.GetConnectionString(SharingOptions.ConnectionStringName)))
        {
            errors.Add($"Sharing:Engine is Postgres, so ConnectionStrings:{SharingOptions.ConnectionStringName} must be set (for example \"Host=127.0.0.1;Port=5432;Database=tributary;Username=tributary\").");
        }

        if (!SchemaName().IsMatch(options.Schema ?? ""))
        {
            errors.Add($"Sharing:Schema must be a lower-case identifier of at most 40 characters (letters, digits, '_'), but was '{options.Schema}'.");
        }

        Check(errors, options.StartupWait >= TimeSpan.Zero && options.StartupWait <= TimeSpan.FromHours(1), $"Sharing:StartupWait must be between 0 and 1 hour, but was {options.StartupWait}.");
        Check(errors, options.ReconnectMaxDelay >= TimeSpan.FromMilliseconds(100) && options.ReconnectMaxDelay <= TimeSpan.FromMinutes(5), $"Sharing:ReconnectMaxDelay must be between 100 ms and 5 minutes, but was {options.ReconnectMaxDelay}.");
        Check(errors, options.AppendBatchSize is >= 1 and <= 100_000, $"Sharing:AppendBatchSize must be between 1 and 100000, but was {options.AppendBatchSize}.");
        Check(errors, options.PollInterval >= TimeSpan.FromMilliseconds(50) && options.PollInterval <= TimeSpan.FromMinutes(1), $"Sharing:PollInterval must be between 50 ms and 1 minute, but was {options.PollInterval}.");
        Check(errors, options.TrimInterval >= TimeSpan.FromMilliseconds(100) && options.TrimInterval <= TimeSpan.FromHours(1), $"Sharing:TrimInterval must be between 100 ms and 1 hour, but was {options.TrimInterval}.");
        Check(errors, options.TrimBatchSize is >= 1 and <= 1_000_000, $"Sharing:TrimBatchSize must be between 1 and 1000000, but was {options.TrimBatchSize}.");
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
