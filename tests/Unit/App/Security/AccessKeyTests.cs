using System.Text.Json;
using Microsoft.Extensions.Options;
using Tributary.App.Security;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Security;

/// <summary>Creating keys, and the configuration rules that keep them hashes.</summary>
public sealed class AccessKeyTests
{
    [Fact]
    public void Keys_new_prints_the_key_once_and_a_config_entry_holding_only_its_hash()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = KeysCommand.Run(["keys", "new", "--name", "grafana", "--feeds", "news,ticker", "--stats"], output, error);

        var text = output.ToString();
        var key = text.Split(Environment.NewLine).Select(l => l.Trim()).Single(l => l.StartsWith(AccessKeys.Prefix, StringComparison.Ordinal));
        var json = text[text.IndexOf('{', StringComparison.Ordinal)..(text.LastIndexOf('}') + 1)];
        var entry = JsonDocument.Parse(json).RootElement;
        Assert.Equal(0, exit);
        Assert.Equal("grafana", entry.GetProperty("Name").GetString());
        Assert.Equal(AccessKeys.HashOf(key), entry.GetProperty("Hash").GetString());
        Assert.Equal(["news", "ticker"], entry.GetProperty("Feeds").EnumerateArray().Select(f => f.GetString()));
        Assert.True(entry.GetProperty("Stats").GetBoolean());
        Assert.DoesNotContain(key, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_new_makes_a_publish_only_key_for_a_backend()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = KeysCommand.Run(["keys", "new", "--name", "backend", "--publish", "events"], output, error);

        var text = output.ToString();
        var entry = JsonDocument.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..(text.LastIndexOf('}') + 1)]).RootElement;
        Assert.Equal(0, exit);
        Assert.Equal(["events"], entry.GetProperty("Publish").EnumerateArray().Select(f => f.GetString()));
        Assert.Empty(entry.GetProperty("Feeds").EnumerateArray());
    }

    [Theory]
    [InlineData("keys")]
    [InlineData("keys new --name grafana")]
    [InlineData("keys new --feeds news")]
    [InlineData("keys new --name x --feeds news --expires soon")]
    public void Keys_without_what_they_need_print_usage(string args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = KeysCommand.Run(args.Split(' '), output, error);

        Assert.Equal(2, exit);
        Assert.StartsWith("usage: keys new", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_new_keys_differ()
    {
        Assert.NotEqual(AccessKeys.NewKey(), AccessKeys.NewKey());
    }

    [Theory]
    [InlineData("Auth:Keys:0:Hash", "trb_plaintext-key", "needs a Hash of the form sha256:")]
    [InlineData("Auth:Jwt:SigningKey", "short", "must be at least 32 bytes")]
    [InlineData("Auth:AllowedOrigins:0", "https://ops.example.com/path", "must be an origin")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "not-an-address", "KnownProxies must be IP addresses")]
    public async Task Invalid_security_settings_stop_the_start_with_a_message(string key, string value, string message)
    {
        var settings = StreamApiFixture.TestSettings(
            ("Auth:Mode", "Keys, Jwt"),
            ("Auth:Keys:0:Name", "ops"),
            ("Auth:Keys:0:Hash", AccessKeys.HashOf(AccessKeys.NewKey())),
            ("Auth:Keys:0:Feeds:0", "*"),
            ("Auth:Jwt:Issuer", SecuredApp.Issuer),
            ("Auth:Jwt:Audience", SecuredApp.Audience),
            ("Auth:Jwt:SigningKey", SecuredApp.SigningKey),
            (key, value));
        // Some settings are checked as the app is composed, the rest as it starts; Program.cs reports either as one line.
        var invalid = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = LoopbackApp.Create(settings);
            await app.StartAsync(TestTimeouts.TestToken());
        });

        Assert.Contains(message, string.Join(" ", invalid.Failures), StringComparison.Ordinal);
    }
}
