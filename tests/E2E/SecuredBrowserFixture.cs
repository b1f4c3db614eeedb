using Tributary.App.Security;

namespace Tributary.Tests.E2E;

/// <summary>The app with <c>Auth:Mode=Keys</c> and one key, <see cref="NewsKey"/>, that may watch news and weather only.</summary>
public sealed class SecuredBrowserFixture : BrowserFixture
{
    public string NewsKey { get; } = AccessKeys.NewKey();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:Mode"] = "Keys",
        ["Auth:Keys:0:Name"] = "newsroom",
        ["Auth:Keys:0:Hash"] = AccessKeys.HashOf(NewsKey),
        ["Auth:Keys:0:Feeds:0"] = "news",
        ["Auth:Keys:0:Feeds:1"] = "weather",
    };
}
