using Microsoft.AspNetCore.SignalR;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Hubs;

/// <summary>
/// Logs each failed hub call once, in place of SignalR's dispatcher (see <see cref="FeedHubLog"/>): a
/// <see cref="HubException"/> is the client's bad input, told to it and logged at Debug; anything else is a
/// server fault, logged at Error. A stream's own failures are logged by <see cref="FeedHub"/>.
/// </summary>
internal sealed class FeedHubFilter(ILogger<FeedHub> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        var connection = invocationContext.Context;
        try
        {
            return await next(invocationContext);
        }
        catch (HubException refused)
        {
            FeedHubLog.InvocationRefused(logger, invocationContext.HubMethodName, connection.ConnectionId, refused.Message);
            throw;
        }
        catch (Exception failure) when (!failure.IsCancellationOf(connection.ConnectionAborted))
        {
            FeedHubLog.InvocationFailed(logger, invocationContext.HubMethodName, connection.ConnectionId, failure);
            throw;
        }
    }
}
