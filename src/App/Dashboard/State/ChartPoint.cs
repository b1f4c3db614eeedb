namespace Tributary.App.Dashboard.State;

/// <summary>One chart point.</summary>
public sealed record ChartPoint(DateTime Time, double Value);
