using System.Runtime.CompilerServices;
using System.Text;

namespace Tributary.App.Mercure;

/// <summary>Writes updates as server-sent events, the way Mercure subscribers (and every <c>EventSource</c>) read them.</summary>
internal static class MercureEventWriter
{
    // Every subscriber of a shared feed gets the same item object: the update is read and its event written once for
    // all of them, not once per subscriber. Entries go with their items.
    private static readonly ConditionalWeakTable<object, MercureEvent> Events = [];

    private static readonly MercureEvent NoUpdate = new(null, []);

    /// <summary>A comment line: keeps an idle subscription's connection, and the proxies on its way, from timing out.</summary>
    public static ReadOnlyMemory<byte> Heartbeat { get; } = ":\n\n"u8.ToArray();

    /// <summary>The update an item of the hub's feed holds and its event, read and written once per item.</summary>
    public static MercureEvent For(object data) =>
        Events.GetValue(data, static item => MercureUpdate.From(item) is { } update ? new MercureEvent(update, Event(update)) : NoUpdate);

    public static byte[] Event(MercureUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var text = new StringBuilder(update.Data.Length + update.Id.Length + 32);
        if (update.Type is not null)
        {
            text.Append("event: ").Append(update.Type).Append('\n');
        }

        if (update.Retry is not null)
        {
            text.Append("retry: ").Append(update.Retry).Append('\n');
        }

        text.Append("id: ").Append(update.Id).Append('\n');
        // Each line of the data (split where SSE splits: CR, LF, CRLF) is a data field; the subscriber joins them with LF.
        foreach (var line in update.Data.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.Append('\n').ToString());
    }
}
