using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Hubs;
using Xunit.Abstractions;

namespace Tributary.Tests.E2E;

/// <summary>With keys required: sign in, watch what the key allows, never see the rest, and sign out to stop.</summary>
public sealed class SignInTests(SecuredBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<SecuredBrowserFixture>
{
    [Fact]
    public Task Sign_in_watch_an_allowed_feed_and_sign_out_ends_the_stream() =>
        PageSession.RunAsync(fixture, output, "sign-in", async page =>
        {
            await page.GotoAsync("/?feeds=news&autostart=true");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "sign-in-page.png") });

            await page.Locator("#access-key").FillAsync(fixture.NewsKey);
            await page.Locator("#sign-in").ClickAsync();
            await DashboardPage.WaitUntilInteractiveAsync(page);

            await Assertions.Expect(page.Locator(".signed-in-as")).ToContainTextAsync("newsroom");
            await Assertions.Expect(page.Locator(".timeline-row[data-feed='news']").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var hubStreams = fixture.Services.GetRequiredService<StreamStats>().ActiveStreamsOf(FeedHub.Path);
            Assert.True(hubStreams.Current > 0);

            await page.Locator("#sign-out").ClickAsync();

            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?signedout=true"));
            await Assertions.Expect(page.Locator(".signin-note")).ToContainTextAsync("You are signed out");
            await hubStreams.WaitForAsync(0, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        });

    [Fact]
    public Task A_feed_the_key_may_not_watch_is_not_offered() =>
        PageSession.RunAsync(fixture, output, "denied-feed", async page =>
        {
            await SignInAsync(page, "/?feeds=ticker&autostart=true");

            await Assertions.Expect(page.Locator("#stream-error")).ToContainTextAsync("a feed this server does not offer you: 'ticker'");
            await page.Locator("#feed-picker").ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Option)).ToHaveCountAsync(2);
            var offered = await page.GetByRole(AriaRole.Option).AllInnerTextsAsync();
            Assert.Equal(["news", "weather"], offered.Select(o => o.Trim().Split([' ', '\n'])[0]));
        });

    [Fact]
    public Task A_wrong_key_is_told_so() =>
        PageSession.RunAsync(fixture, output, "wrong-key", async page =>
        {
            await page.GotoAsync("/signin");
            await page.Locator("#access-key").FillAsync("trb_not-the-key");
            await page.Locator("#sign-in").ClickAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That key is not valid");
        });

    [Theory]
    [InlineData(1440, false)]
    [InlineData(1440, true)]
    [InlineData(390, false)]
    [InlineData(390, true)]
    public Task The_sign_in_page_and_the_signed_in_header_are_in_the_design_and_accessible(int width, bool dark) =>
        PageSession.RunAsync(fixture, output, $"sign-in-{width}-{(dark ? "dark" : "light")}", async page =>
        {
            var how = $"{width} px, {(dark ? "dark" : "light")}";
            await Axe.SetUpAsync(page, fixture.BaseAddress, width, dark);

            await page.GotoAsync("/signin");
            await Assertions.Expect(page.Locator("#sign-in")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button"));
            await Axe.AssertNoSeriousViolationsAsync(page, $"sign-in, {how}", output);
            await page.Locator("#access-key").FillAsync("trb_not-the-key");
            await page.Locator("#sign-in").ClickAsync();
            await Assertions.Expect(page.Locator("#signin-problem")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, $"sign-in, refused, {how}", output);

            await SignInAsync(page, "/?feeds=news");

            // Signed in, the header still fits one line: brand, pages, palette and sign-out.
            var header = await page.Locator(".topbar").BoundingBoxAsync();
            Assert.True(header!.Height <= 64, $"the header wraps at {width} px: {header.Height} px high");
            await Assertions.Expect(page.Locator(".brand")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".timeline-zone")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#sign-out")).ToBeVisibleAsync();
            await Axe.AssertNoSeriousViolationsAsync(page, $"dashboard, signed in, {how}", output);
        });

    private async Task SignInAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("#access-key").FillAsync(fixture.NewsKey);
        await page.Locator("#sign-in").ClickAsync();
        await DashboardPage.WaitUntilInteractiveAsync(page);
    }
}
