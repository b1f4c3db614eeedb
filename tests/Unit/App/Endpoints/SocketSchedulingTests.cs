using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tributary.App.Endpoints;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

public sealed class SocketSchedulingTests
{
    [Fact]
    public async Task The_app_sends_on_the_socket_in_the_flush_by_default()
    {
        await using var app = LoopbackApp.Create(StreamApiFixture.TestSettings());

        Assert.True(app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task Setting_inline_scheduling_off_gives_kestrels_default_back()
    {
        await using var app = LoopbackApp.Create(StreamApiFixture.TestSettings((SocketScheduling.Key, "false")));

        Assert.False(app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }
}
