namespace Tributary.Load;

/// <summary>A server the reference mode measures: Tributary, or a reference answering the same requests.</summary>
internal sealed record ReferenceServer(string Name, Uri Url);
