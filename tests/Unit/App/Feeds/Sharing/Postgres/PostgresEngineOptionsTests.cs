using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Sharing.Postgres;

namespace Tributary.Tests.Unit.App.Feeds.Sharing.Postgres;

public sealed class PostgresEngineOptionsTests
{
    [Fact]
    public void The_engines_section_is_read_and_the_former_keys_under_Sharing_still_work_with_the_section_winning()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sharing:Schema"] = "former",
            ["Sharing:TrimBatchSize"] = "7",
            ["Sharing:Postgres:Schema"] = "current",
            ["Sharing:Postgres:PollInterval"] = "00:00:03",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddFeeds();

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<PostgresEngineOptions>>().Value;

        Assert.Equal(("current", 7, TimeSpan.FromSeconds(3)), (options.Schema, options.TrimBatchSize, options.PollInterval));
    }

    [Fact]
    public void A_bad_setting_is_named_by_its_section()
    {
        var result = new PostgresEngineOptionsValidator().Validate(null, new PostgresEngineOptions { Schema = "Bad-Name" });

        Assert.Contains("Sharing:Postgres:Schema must be a lower-case identifier", result.FailureMessage, StringComparison.Ordinal);
    }
}
