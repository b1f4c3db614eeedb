using Microsoft.Playwright;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.E2E;

/// <summary>
/// A throwaway PostgreSQL server and a Chromium, for tests that start the app themselves on the PostgreSQL engine
/// (one instance restarted, or two sharing feeds): each test class gets its own, stopped when it is done.
/// </summary>
public sealed class PostgresBrowserFixture : IAsyncLifetime
{
    private ThrowawayPostgres? _postgres;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public ThrowawayPostgres Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL has not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        _postgres = await ThrowawayPostgres.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(BrowserFixture.LaunchOptions());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
