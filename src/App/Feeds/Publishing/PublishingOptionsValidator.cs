using Microsoft.Extensions.Options;

namespace Tributary.App.Feeds.Publishing;

public sealed class PublishingOptionsValidator : IValidateOptions<PublishingOptions>
{
    public ValidateOptionsResult Validate(string? name, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Check(options.IdempotencyWindow >= TimeSpan.FromSeconds(1) && options.IdempotencyWindow <= TimeSpan.FromDays(30), $"Publishing:IdempotencyWindow must be between 1 second and 30 days, but was {options.IdempotencyWindow}.", errors);
        Check(options.MaxBatchItems is >= 1 and <= 100_000, $"Publishing:MaxBatchItems must be between 1 and 100000, but was {options.MaxBatchItems}.", errors);
        Check(options.MaxRequestBytes is >= 1024 and <= 1024L * 1024 * 1024, $"Publishing:MaxRequestBytes must be between 1024 and 1073741824 (1 GiB), but was {options.MaxRequestBytes}.", errors);
        Check(options.MemoryLedgerCapacity is >= 1 and <= 100_000_000, $"Publishing:MemoryLedgerCapacity must be between 1 and 100000000, but was {options.MemoryLedgerCapacity}.", errors);
        Check(options.ItemsPerSecond >= 1, $"Publishing:ItemsPerSecond must be at least 1, but was {options.ItemsPerSecond}.", errors);
        // A batch is let through whole or not at all: one larger than a second's allowance could never be.
        Check(options.MaxBatchItems <= options.ItemsPerSecond, $"Publishing:MaxBatchItems ({options.MaxBatchItems}) must not exceed Publishing:ItemsPerSecond ({options.ItemsPerSecond}): a larger batch could never be let through.", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(bool ok, string error, List<string> errors)
    {
        if (!ok)
        {
            errors.Add(error);
        }
    }
}
