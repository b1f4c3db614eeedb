namespace Tributary.App.Security;

/// <summary>The <c>Auth:Mode</c> setting: which credentials the server accepts. <c>Keys, Jwt</c> accepts both.</summary>
[Flags]
public enum AuthModes
{
    /// <summary>No authentication: anyone who reaches the port may watch everything (the default, for a laptop).</summary>
    None = 0,

    /// <summary>API keys from <c>Auth:Keys</c>, stored as hashes.</summary>
    Keys = 1,

    /// <summary>JWT bearer tokens validated against <c>Auth:Jwt</c>.</summary>
    Jwt = 2,
}
