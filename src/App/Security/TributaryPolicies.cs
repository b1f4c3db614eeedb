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
