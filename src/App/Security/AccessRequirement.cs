using Microsoft.AspNetCore.Authorization;

namespace Tributary.App.Security;

/// <summary>A caller with a current credential (and, if <paramref name="NeedsStats"/>, the stats permission).</summary>
public sealed record AccessRequirement(bool NeedsStats) : IAuthorizationRequirement;
