namespace Tributary.App.Feeds.Kinds;

/// <summary>One counter value.</summary>
public sealed record CounterTick(long Value);
