using System.Net;
using System.Text.RegularExpressions;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.Pages;

public sealed partial class HomePageTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Home_page_is_prerendered_and_loads_the_Blazor_script()
    {
        using var client = fixture.NewClient();

        var response = await client.GetAsync(new Uri("/", UriKind.Relative), TestTimeouts.TestToken());
        var html = await response.Content.ReadAsStringAsync(TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Dashboard · Tributary</title>", html, StringComparison.Ordinal);
        Assert.Matches(BlazorScript(), html);
        Assert.Contains("<script src=\"_content/MudBlazor/MudBlazor.min.", html, StringComparison.Ordinal);
        // Prerendered without a circuit: nothing is known yet, so a neutral "connecting" (the hub connection opens once interactive).
        Assert.Contains("data-state=\"connecting\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Blazor_script_and_the_stylesheet_are_served_by_their_fingerprinted_addresses_compressed()
    {
        using var client = fixture.NewClient();
        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestTimeouts.TestToken());
        var stylesheet = StylesheetLink().Match(html).Groups["href"].Value;
        var blazor = BlazorScript().Match(html).Groups["src"].Value;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/" + blazor) { Headers = { { "Accept-Encoding", "gzip" } } };
        using var script = await client.SendAsync(request, TestTimeouts.TestToken());
        using var css = await client.GetAsync(new Uri("/" + stylesheet, UriKind.Relative), TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["gzip"], script.Content.Headers.ContentEncoding);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_page_is_a_404_page_and_an_unknown_api_path_stays_problem_json()
    {
        using var client = fixture.NewClient();

        using var page = await client.GetAsync(new Uri("/no/such/page", UriKind.Relative), TestTimeouts.TestToken());
        using var api = await client.GetAsync(new Uri("/api/no-such-endpoint", UriKind.Relative), TestTimeouts.TestToken());

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("There is no page here", await page.Content.ReadAsStringAsync(TestTimeouts.TestToken()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Every_stylesheet_and_script_of_the_first_load_is_sent_compressed()
    {
        using var client = fixture.NewClient();
        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestTimeouts.TestToken());
        var assets = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).ToList();

        Assert.NotEmpty(assets);
        foreach (var asset in assets)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/" + asset) { Headers = { { "Accept-Encoding", "gzip, br" } } };
            using var response = await client.SendAsync(request, TestTimeouts.TestToken());
            var sent = (await response.Content.ReadAsByteArrayAsync(TestTimeouts.TestToken())).Length;
            using var plain = await client.GetAsync(new Uri("/" + asset, UriKind.Relative), TestTimeouts.TestToken());
            var size = (await plain.Content.ReadAsByteArrayAsync(TestTimeouts.TestToken())).Length;

            Assert.True(response.Content.Headers.ContentEncoding.Count == 1, $"{asset} is sent without compression");
            // Really compressed: a gzip wrapper around the plain bytes would be as large as they are.
            Assert.True(sent < size * 0.6, $"{asset}: {sent} bytes sent for {size}");
        }
    }

    [GeneratedRegex("(?:href|src)=\"(?<url>[^\"]+\\.(?:css|js))\"")]
    private static partial Regex AssetReference();

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(?<href>app\\.[^\"]+\\.css)\"")]
    private static partial Regex StylesheetLink();

    // The fingerprinted address MapStaticAssets gives the framework's script (blazor.web.<hash>.js).
    [GeneratedRegex("<script src=\"(?<src>_framework/blazor\\.web\\.[a-z0-9]+\\.js)\"></script>")]
    private static partial Regex BlazorScript();
}
