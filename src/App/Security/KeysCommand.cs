using System.Globalization;
using System.Text.Json;

namespace Tributary.App.Security;

/// <summary>
/// <c>dotnet run --project src/App -- keys new --name grafana --feeds news,ticker [--publish orders] [--stats] [--expires 2027-01-31]</c>:
/// creates an access key, prints it once, and prints the configuration entry that holds only its hash.
/// </summary>
public static class KeysCommand
{
    private static readonly JsonSerializerOptions EntryJson = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public const string Usage = "usage: keys new --name NAME [--feeds FEED[,FEED...]|*] [--publish FEED[,FEED...]|*] [--stats] [--expires YYYY-MM-DD] (at least one of --feeds, --publish)";

    public static bool Handles(string[] args) => args is ["keys", ..];

    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args is not ["keys", "new", .. var options] || Parse(options) is not { } entry)
        {
            error.WriteLine(Usage);
            return 2;
        }

        var key = AccessKeys.NewKey();
        entry.Hash = AccessKeys.HashOf(key);
        output.WriteLine($"Access key for '{entry.Name}' (shown once; give it to its user, it is not stored anywhere):");
        output.WriteLine();
        output.WriteLine($"  {key}");
        output.WriteLine();
        output.WriteLine("Add this entry to Auth:Keys in appsettings.json (or your secrets store), with Auth:Mode set to Keys:");
        output.WriteLine();
        output.WriteLine(JsonSerializer.Serialize(
            new { entry.Name, entry.Hash, entry.Feeds, Publish = entry.Publish.Length > 0 ? entry.Publish : null, entry.Stats, entry.Expires },
            EntryJson));
        output.WriteLine();
        output.WriteLine($"Clients send it as 'Authorization: Bearer {AccessKeys.Prefix}…', or as ?access_token= where headers cannot be set.");
        return 0;
    }

    private static AccessKeyOptions? Parse(string[] options)
    {
        var entry = new AccessKeyOptions();
        for (var i = 0; i < options.Length; i++)
        {
            var value = i + 1 < options.Length ? options[i + 1] : null;
            switch (options[i])
            {
                case "--name" when !string.IsNullOrWhiteSpace(value):
                    entry.Name = value;
                    i++;
                    break;
                case "--feeds" when !string.IsNullOrWhiteSpace(value):
                    entry.Feeds = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    i++;
                    break;
                case "--publish" when !string.IsNullOrWhiteSpace(value):
                    entry.Publish = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    i++;
                    break;
                case "--stats":
                    entry.Stats = true;
                    break;
                case "--expires" when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires):
                    entry.Expires = expires;
                    i++;
                    break;
                default:
                    return null;
            }
        }

        return entry.Name.Length > 0 && (entry.Feeds.Length > 0 || entry.Publish.Length > 0) ? entry : null;
    }
}
