namespace Tributary.App.Feeds.Kinds;

/// <summary>One headline.</summary>
public sealed record NewsHeadline(string Headline, string Category);
