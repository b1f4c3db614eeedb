namespace Tributary.App.Dashboard.State;

/// <summary>One chart point; <see cref="Time"/> in the viewer's time zone, as the axis shows it.</summary>
public sealed record ChartPoint(DateTime Time, double Value);
