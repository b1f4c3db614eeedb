using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds.Sharing;

/// <summary>Checks the engine switch and, for the PostgreSQL engine, that a connection string is set.</summary>
public sealed class SharingOptionsValidator(IConfiguration configuration) : IValidateOptions<SharingOptions>
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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

}
