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

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(?<href>app\\.[^\"]+\\.css)\"")]
    private static partial Regex StylesheetLink();

    // The fingerprinted address MapStaticAssets gives the framework's script (blazor.web.<hash>.js).
    [GeneratedRegex("<script src=\"(?<src>_framework/blazor\\.web\\.[a-z0-9]+\\.js)\"></script>")]
    private static partial Regex BlazorScript();
}
