namespace Tributary.App.Security;

/// <summary>The <c>Auth</c> section of appsettings.json: who may connect, and what each caller may watch.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary><c>None</c> (default), <c>Keys</c>, <c>Jwt</c>, or <c>Keys, Jwt</c>.</summary>
    public AuthModes Mode { get; set; } = AuthModes.None;

    /// <summary>API keys, as hashes; read again when the configuration changes, so removing one revokes it.</summary>
    public List<AccessKeyOptions> Keys { get; set; } = [];

    public JwtOptions Jwt { get; set; } = new();

    /// <summary>How long a dashboard sign-in lasts (the cookie's lifetime, sliding). Default 8 hours.</summary>
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Origins besides the app's own that may open hub and dashboard connections, e.g. <c>https://ops.example.com</c>.
    /// A browser page from any other origin is refused, so a foreign site cannot stream with a user's cookie.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    public bool Enabled => Mode != AuthModes.None;
}
