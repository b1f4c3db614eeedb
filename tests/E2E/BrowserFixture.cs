using Microsoft.Playwright;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.E2E;

/// <summary>
/// Starts the app on a free loopback port and one headless Chromium for a test class; both are stopped
/// when the class is done. Chromium is Debian's (<c>/usr/bin/chromium</c>) unless
/// <c>TRIBUTARY_CHROMIUM</c> names another executable, or is set to <c>bundled</c> to use Playwright's own.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    private const string DefaultChromium = "/usr/bin/chromium";

    // Without the networking flags Chromium keeps dialling Google's hosts, which this network refuses.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", // the tests run as root, where the sandbox cannot start
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];

    private LoopbackApp? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress => (_app ?? throw new InvalidOperationException("Not started.")).BaseAddress;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public IServiceProvider Services => (_app ?? throw new InvalidOperationException("Not started.")).Services;

    /// <summary>Configuration laid over appsettings.json for this fixture's app (none: the app as shipped).</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        _app = await LoopbackApp.StartAsync(Settings);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(LaunchOptions());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    internal static BrowserTypeLaunchOptions LaunchOptions()
    {
        var configured = Environment.GetEnvironmentVariable("TRIBUTARY_CHROMIUM");
        var executable = configured switch
        {
            null or "" => DefaultChromium,
            "bundled" => null,
            _ => configured,
        };
        if (executable is not null && !File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {executable}. Run ./test.sh (it installs Debian's chromium), " +
                "or set TRIBUTARY_CHROMIUM to a Chromium executable, or to 'bundled' for Playwright's own browsers.");
        }

        return new BrowserTypeLaunchOptions { Headless = true, ExecutablePath = executable, Args = ChromiumArgs };
    }
}
