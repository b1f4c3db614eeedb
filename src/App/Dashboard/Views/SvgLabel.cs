using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Tributary.App.Dashboard.Views;

/// <summary>An SVG <c>text</c> element: Razor reserves the <c>text</c> tag for itself, so it is built here.</summary>
public sealed class SvgLabel : ComponentBase
{
    /// <summary>The text. Default: empty.</summary>
    [Parameter]
    public string Text { get; set; } = "";

    /// <summary>Its x, in the SVG's units.</summary>
    [Parameter]
    public double X { get; set; }

    /// <summary>Its baseline's y, in the SVG's units.</summary>
    [Parameter]
    public double Y { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.OpenElement(0, "text");
        builder.AddAttribute(1, "x", X.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture));
        builder.AddAttribute(2, "y", Y.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture));
        builder.AddContent(3, Text);
        builder.CloseElement();
    }
}
