namespace Tributary.App.Mercure;

/// <summary>An item of the hub's feed as subscribers get it: the update it holds (null if none) and its server-sent event.</summary>
/// <param name="Update">The update, or null for an item that is none (the hub did not write it).</param>
/// <param name="Bytes">The event, as written to every subscriber that receives it.</param>
internal sealed record MercureEvent(MercureUpdate? Update, byte[] Bytes);
