namespace Tributary.App.Dashboard;

/// <summary>
/// The palette this circuit (or prerender) shows. Scoped: the root component sets it from the cookie, the layout
/// reads it and the theme switch changes it, without passing it through every page.
/// </summary>
public sealed class ThemeChoice
{
    public bool Dark { get; private set; }

    public event Action? Changed;

    public void Set(bool dark)
    {
        if (dark != Dark)
        {
            Dark = dark;
            Changed?.Invoke();
        }
    }
}
