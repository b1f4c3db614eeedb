namespace Tributary.App.Dashboard;

/// <summary>The dashboard's two themes, and the cookie that remembers the user's choice between them.</summary>
public static class DashboardTheme
{
    /// <summary>The cookie Radzen's cookie theme service writes when the theme is switched.</summary>
    public const string Cookie = "TributaryTheme";

    public const string Light = "material";

    public const string Dark = "material-dark";

    /// <summary>The theme the request's cookie names, if it is one of ours (it ends up in a stylesheet address); else light.</summary>
    public static string FromCookie(HttpContext? context) =>
        context?.Request.Cookies[Cookie] is Dark ? Dark : Light;
}
