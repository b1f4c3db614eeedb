using System.Globalization;

namespace Tributary.App.Dashboard.State;

/// <summary>What a card's chart plots: its title, the value axis' title, and how a value reads (ticks, tooltips, legend).</summary>
/// <param name="Title">What the chart shows, e.g. "Temperature, per station".</param>
/// <param name="AxisTitle">The value axis' title, with its unit.</param>
/// <param name="NumberFormat">A custom numeric format with the unit quoted, e.g. <c>0.#' °C'</c>, so values are rounded.</param>
public sealed record ChartMeaning(string Title, string AxisTitle, string NumberFormat)
{
    public string Format(double value) => value.ToString(NumberFormat, CultureInfo.InvariantCulture);

    /// <summary>The same format, for the chart's tooltip.</summary>
    public string TooltipFormat => NumberFormat;
}
