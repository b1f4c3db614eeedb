using Microsoft.AspNetCore.Authorization;

namespace Tributary.App.Security;

/// <summary>Decides <see cref="AccessRequirement"/> from <see cref="FeedAccess"/>, the same answer the feed rules use.</summary>
public sealed class AccessRequirementHandler(FeedAccess access) : AuthorizationHandler<AccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var permissions = access.For(context.User);
        var admitted = !access.Enabled
            || (permissions != Feeds.Requests.FeedPermissions.Nothing && (!requirement.NeedsStats || permissions.Stats));
        if (admitted)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
