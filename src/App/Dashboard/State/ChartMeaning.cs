namespace Tributary.App.Dashboard.State;

/// <summary>What a card's chart plots: its title, the value axis' title, and how a value reads (tick labels, legend).</summary>
/// <param name="Title">What the chart shows, e.g. "Temperature, per station".</param>
/// <param name="AxisTitle">The value axis' title, with its unit.</param>
/// <param name="ValueFormat">A composite format, e.g. <c>{0:0.#} °C</c>, so tick labels are rounded.</param>
public sealed record ChartMeaning(string Title, string AxisTitle, string ValueFormat)
{
    public string Format(double value) => string.Format(System.Globalization.CultureInfo.InvariantCulture, ValueFormat, value);
}
