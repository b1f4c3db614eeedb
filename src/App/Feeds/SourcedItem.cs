namespace Tributary.App.Feeds;

/// <summary>
/// An item from a source that knows where it is: its position in the source (a JetStream stream sequence, a Redis
/// stream id, or a marker that an MQTT session exists) to resume after, and an acknowledgement the source waits for
/// (MQTT QoS 1) until the item is kept. Engines keep the position with the item and acknowledge it once it is kept,
/// so a new producer resumes exactly after the last kept item; everything else sees only <see cref="Data"/>.
/// </summary>
internal sealed class SourcedItem(object data, string? position, Func<ValueTask>? acknowledge = null)
{
    public object Data { get; } = data;

    /// <summary>Where the source is once this item is kept; <see langword="null"/> when this item does not move it.</summary>
    public string? Position { get; } = position;

    /// <summary>Tells the source the item is kept; the broker may then forget it. Called once, in the items' order.</summary>
    public ValueTask AcknowledgeAsync() => acknowledge?.Invoke() ?? ValueTask.CompletedTask;
}
