namespace Tributary.App.Endpoints.Publishing;

/// <summary>Why a publish request is refused before anything is published: its HTTP status and a sentence naming the problem.</summary>
/// <param name="Status">The status to answer with.</param>
/// <param name="Detail">What is wrong, in words the publisher can act on.</param>
internal sealed record PublishRefusal(int Status, string Detail);
