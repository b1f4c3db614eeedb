using System.Net;
using System.Security.Claims;

namespace Tributary.App.Security;

/// <summary>Who a stream counts against in <c>StreamLimiter</c>: the authenticated principal, else the client's address.</summary>
public static class StreamClient
{
    /// <param name="user">The caller; its key name or token subject names it when authenticated.</param>
    /// <param name="address">The client's address: the real client's behind a configured proxy (forwarded headers applied).</param>
    public static string Of(ClaimsPrincipal? user, IPAddress? address)
    {
        if (user?.Identity?.IsAuthenticated == true)
        {
            var name = user.FindFirst(TributaryClaims.KeyName)?.Value ?? user.FindFirst("sub")?.Value ?? user.Identity.Name ?? "";
            return "principal:" + name;
        }

        return "address:" + (Normalized(address)?.ToString() ?? "unknown");
    }

    /// <summary>An IPv4 client reached over a dual-stack socket is the same client as over IPv4.</summary>
    public static IPAddress? Normalized(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
