using Tributary.Tests.Hosting;

namespace Tributary.Tests.E2E;

/// <summary>
/// The app with its Mercure hub's keys set and anonymous subscribers allowed. Subscriptions last at most two seconds,
/// so every page's <c>EventSource</c> reconnects (with <c>Last-Event-ID</c>) while the tests run, as it would after a
/// dropped connection or a redeploy.
/// </summary>
public sealed class MercureBrowserFixture : BrowserFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        MercureTestTokens.HubSettings(anonymous: true).Append((Key: "Streaming:MaxStreamDuration", Value: "00:00:02")).ToDictionary(s => s.Key, s => (string?)s.Value);
}
