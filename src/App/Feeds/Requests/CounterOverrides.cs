namespace Tributary.App.Feeds.Requests;

/// <summary>A request's <c>rate</c> and <c>count</c> for counter feeds; <see langword="null"/> keeps the catalog's value.</summary>
public sealed record CounterOverrides(double? Rate, long? Count)
{
    public static readonly CounterOverrides None = new(null, null);
}
