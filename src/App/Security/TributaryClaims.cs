namespace Tributary.App.Security;

/// <summary>The claims Tributary puts on the principals it authenticates itself (keys and dashboard sign-ins).</summary>
public static class TributaryClaims
{
    /// <summary>The key's name: a key principal's permissions are looked up by it, so config changes apply at once.</summary>
    public const string KeyName = "tributary:key";

    /// <summary>The key's configured hash, so a key replaced under the same name no longer matches.</summary>
    public const string KeyHash = "tributary:key-hash";

    /// <summary>One dashboard sign-in; signing out revokes it on this instance.</summary>
    public const string Session = "tributary:session";
}
