namespace Tributary.Load;

/// <summary>One line of the results table.</summary>
internal sealed record LoadResult(string Mode, string Measure, string Figure, string Target, bool? Met);
