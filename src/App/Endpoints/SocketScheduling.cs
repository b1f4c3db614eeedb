using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Tributary.App.Endpoints;

/// <summary>
/// Lets a stream's flush send on the socket in the same call (Kestrel's <c>UnsafePreferInlineScheduling</c>) instead
/// of handing every write to one of Kestrel's I/O queues: a live stream flushes once per item it is woken for, so at
/// 10,000 readers that hop was a wake-up per delivery, and each connection's unsent bytes waited in its pipe meanwhile
/// (docs/PERFORMANCE.md). Safe here because nothing the app runs on a connection blocks a thread. Set
/// <c>Kestrel:Sockets:InlineScheduling</c> to <see langword="false"/> to go back to Kestrel's default.
/// </summary>
public sealed class SocketScheduling(IConfiguration configuration) : IConfigureOptions<SocketTransportOptions>
{
    public const string Key = "Kestrel:Sockets:InlineScheduling";

    public void Configure(SocketTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UnsafePreferInlineScheduling = configuration.GetValue(Key, defaultValue: true);
    }
}
