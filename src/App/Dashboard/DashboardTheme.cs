using MudBlazor;

namespace Tributary.App.Dashboard;

/// <summary>
/// The dashboard's look: one MudBlazor theme with a light and a dark palette, the system font (no web font to
/// download), and the cookie that remembers which palette the user chose.
/// </summary>
public static class DashboardTheme
{
    /// <summary>The cookie js/theme.js writes when the palette is switched: <c>dark</c> or <c>light</c>.</summary>
    public const string Cookie = "TributaryTheme";

    private static readonly string[] SystemFont = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            // Filled buttons carry white text: every colour a button takes has 4.5:1 or more against it.
            Primary = "#1f5fc4",
            PrimaryDarken = "#1a52a8",
            PrimaryLighten = "#2563c9",
            Secondary = "#5c4fb0",
            Error = "#c62828",
            ErrorDarken = "#b71c1c",
            ErrorLighten = "#cc3333",
            Success = "#2e7d32",
            Warning = "#8a4b00",
            AppbarBackground = "#ffffff",
            AppbarText = "#1d2330",
            Background = "#f4f6fa",
            TextSecondary = "rgba(0,0,0,0.66)",
        },
        PaletteDark = new PaletteDark
        {
            // Light colours on the dark surface, with dark text on the filled buttons that use them.
            // Hover and focus shades stay light too, so the dark text keeps its contrast on them.
            Primary = "#8ab4ff",
            PrimaryContrastText = "#0b1a33",
            PrimaryDarken = "#9dc0ff",
            PrimaryLighten = "#b3ceff",
            Secondary = "#b9a9ff",
            SecondaryContrastText = "#1a1233",
            Error = "#ff8a80",
            ErrorContrastText = "#3b0a08",
            ErrorDarken = "#ff9e96",
            ErrorLighten = "#ffb3ad",
            Success = "#81c784",
            Warning = "#ffb74d",
            AppbarBackground = "#1b1e24",
            Background = "#121417",
            Surface = "#1e2127",
            TextSecondary = "rgba(255,255,255,0.74)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SystemFont },
            Button = new ButtonTypography { TextTransform = "none", FontWeight = "600" },
        },
    };

    /// <summary>Whether the request's cookie asks for the dark palette; light otherwise.</summary>
    public static bool IsDark(HttpContext? context) =>
        context?.Request.Cookies[Cookie] is "dark" or "material-dark";
}
