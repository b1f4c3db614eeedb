namespace Tributary.App.Endpoints.Publishing;

/// <summary>The answer to a publish: what each item became, in the order sent.</summary>
/// <param name="Feed">The feed published to.</param>
/// <param name="Items">One entry per item sent.</param>
public sealed record PublishResponse(string Feed, IReadOnlyList<PublishResponseItem> Items);
