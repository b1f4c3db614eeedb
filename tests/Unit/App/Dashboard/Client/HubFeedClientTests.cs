using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Hubs;
using Tributary.App.Security;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.Client;

/// <summary>The dashboard's hub client, as a circuit's scope holds it, against the app on a loopback port.</summary>
public sealed class HubFeedClientTests
{
    [Fact]
    public async Task The_stats_poll_writes_no_log_lines_even_at_Information()
    {
        // Every open tab polls /api/stats every 2 s; HttpClient's own request logs would be four lines each time.
        var logs = new CollectingLoggerProvider();
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            builder => builder.Logging.AddProvider(logs), token);
        await using var scope = app.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IFeedClient>();

        var stats = await client.GetServerStatsAsync(token);

        Assert.NotNull(stats);
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposing_the_circuits_client_stops_the_producers_of_its_streams_on_the_server()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), cancellationToken: token);
        var stats = app.Services.GetRequiredService<StreamStats>();
        var scope = app.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IFeedClient>();
        await using var stream = client.StreamAsync("fast", new FeedStreamSettings(), token).GetAsyncEnumerator(token);
        Assert.True(await stream.MoveNextAsync());
        await stats.ActiveProducers.WaitForAsync(1, token);

        // Act: the circuit ends, and its scope disposes the client (the tab was closed)
        await scope.DisposeAsync();

        await stats.ActiveProducers.WaitForAsync(0, token);
        await stats.ActiveStreamsOf(FeedHub.Path).WaitForAsync(0, token);
    }

    [Fact]
    public async Task Each_dashboard_circuit_is_its_own_client_for_the_per_client_limit()
    {
        // Every circuit reaches the hub from the server itself; with authentication off its ticket still names it.
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerClient", "1")), cancellationToken: token);
        await using var firstCircuit = app.Services.CreateAsyncScope();
        await using var secondCircuit = app.Services.CreateAsyncScope();
        var first = firstCircuit.ServiceProvider.GetRequiredService<IFeedClient>();
        var second = secondCircuit.ServiceProvider.GetRequiredService<IFeedClient>();

        await using var one = first.StreamAsync("idle", new FeedStreamSettings(), token).GetAsyncEnumerator(token);
        await using var other = second.StreamAsync("idle", new FeedStreamSettings(), token).GetAsyncEnumerator(token);
        Assert.True(await one.MoveNextAsync());
        Assert.True(await other.MoveNextAsync());
        await using var third = first.StreamAsync("fast", new FeedStreamSettings(), token).GetAsyncEnumerator(token);
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(async () => await third.MoveNextAsync());

        Assert.Contains("already has 1 open streams", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hub_sees_the_circuits_signed_in_user_not_the_server()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await SecuredApp.StartAsync();
        var services = app.App.Services;
        await using var scope = services.CreateAsyncScope();
        var key = services.GetRequiredService<AccessKeys>().Find(app.NewsKey)!;
        var user = AccessKeys.PrincipalFor(key, SecurityServices.CookieScheme, new Claim(TributaryClaims.Session, "session-1"));
        // What the circuit does once the cookie has authenticated the page's request.
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        var client = scope.ServiceProvider.GetRequiredService<IFeedClient>();

        var catalog = await client.GetCatalogAsync(token);
        var stats = await client.GetServerStatsAsync(token);

        Assert.Equal(["news", "idle"], catalog.Select(f => f.Name));
        // The newsroom key has no stats permission: the poll is refused for this user, as it should be.
        Assert.Null(stats);
    }
}
