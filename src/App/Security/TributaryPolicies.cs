using Microsoft.AspNetCore.Authorization;

namespace Tributary.App.Security;

/// <summary>
/// The authorization policies. With <c>Auth:Mode=None</c> both admit everyone, so mapping them costs a laptop user
/// nothing; per-feed checks happen in <c>FeedRequestRules</c>, which every stream entry point calls.
/// </summary>
public static class TributaryPolicies
{
    /// <summary>Any valid credential: the catalog, streams, exports, files, the hub and the dashboard.</summary>
    public const string Watch = "Tributary.Watch";

    /// <summary>The stats permission: <c>/api/stats</c> (and, through the feed rules, the <c>system</c> feed).</summary>
    public const string Stats = "Tributary.Stats";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Watch, policy => policy.AddRequirements(new AccessRequirement(NeedsStats: false)));
        options.AddPolicy(Stats, policy => policy.AddRequirements(new AccessRequirement(NeedsStats: true)));
    }
}

/// <summary>A caller with a current credential (and, if <paramref name="NeedsStats"/>, the stats permission).</summary>
public sealed record AccessRequirement(bool NeedsStats) : IAuthorizationRequirement;

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
