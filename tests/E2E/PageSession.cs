using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>
/// Runs one browser test: a fresh context and page, a screenshot under the test output after every run
/// (screenshots/NAME.png), and on failure the page's console log written to the test's output.
/// The page is closed with its unload handlers run, as a user closing the tab would.
/// </summary>
internal static class PageSession
{
    public static async Task RunAsync(BrowserFixture fixture, ITestOutputHelper output, string name, Func<IPage, Task> test)
    {
        await using var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        var console = new StringBuilder();
        page.Console += (_, message) => console.Append('[').Append(message.Type).Append("] ").AppendLine(message.Text);
        page.PageError += (_, error) => console.Append("[pageerror] ").AppendLine(error);
        try
        {
            await test(page);
        }
        catch
        {
            output.WriteLine($"Browser console for {name}:");
            output.WriteLine(console.Length == 0 ? "(empty)" : console.ToString());
            throw;
        }
        finally
        {
            await SaveScreenshotAsync(page, name, output);
            if (!page.IsClosed)
            {
                await page.CloseAsync(new() { RunBeforeUnload = true });
            }
        }
    }

    private static async Task SaveScreenshotAsync(IPage page, string name, ITestOutputHelper output)
    {
        if (page.IsClosed)
        {
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"Screenshot: {path}");
    }
}
