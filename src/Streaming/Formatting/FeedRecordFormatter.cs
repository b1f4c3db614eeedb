using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tributary.Streaming.Internal;
using Tributary.Streaming.Records;

namespace Tributary.Streaming.Formatting;

/// <summary>
/// Turns merged feed items, and the control records that can end a stream, into bytes for one wire format.
/// Every record carries the same JSON fields: <c>{"feed":"news","seq":12,"ts":"2026-11-21T08:00:00Z","data":{...}}</c>;
/// control records (<see cref="FeedControlKind"/>) are <c>{"type":"error","feed":"news","message":"..."}</c> and <c>{"type":"shutdown","message":"..."}</c>.
/// </summary>
#pragma warning disable CA1001 // The cached Utf8JsonWriter writes into the caller's buffer and owns nothing to release.
public abstract class FeedRecordFormatter
#pragma warning restore CA1001
{
    // {"feed":"…","seq":<20 digits>,"epoch":"…","ts":<timestamp>,"data": without the feed name and epoch.
    private const int EnvelopeMaxLength = 80 + JsonTimestamp.MaxLength;

    private readonly JsonSerializerOptions _json;
    private readonly JsonNameCache _feedNames = new();
    private readonly JsonNameCache _epochs = new();

    // The serializer contract of the last data type written: a stream's items are almost always of one or a
    // few types, and looking the contract up by runtime type for each item cost more than writing it.
    private Type? _dataType;
    private JsonTypeInfo? _dataContract;

    // One writer per formatter (one formatter per stream), re-pointed at each record's buffer: a record is
    // a hot path, and a fresh Utf8JsonWriter per record is an allocation per item.
    private Utf8JsonWriter? _writer;

    /// <summary>Creates a formatter.</summary>
    /// <param name="json">Serializes each item's data, unless the item carries its encoding already
    /// (<see cref="FeedItem{T}.DataJson"/>, which its producer made with its own options); <see langword="null"/> for
    /// the web defaults (camelCase).</param>
    protected FeedRecordFormatter(JsonSerializerOptions? json) => _json = json ?? JsonSerializerOptions.Web;

    /// <summary>The HTTP <c>Content-Type</c>, with its charset.</summary>
    public abstract string ContentType { get; }

    /// <summary>Writes one item.</summary>
    /// <typeparam name="T">The item's data type.</typeparam>
    /// <param name="item">The item.</param>
    /// <param name="output">Where the bytes go.</param>
    public abstract void WriteItem<T>(FeedItem<T> item, IBufferWriter<byte> output);

    /// <summary>
    /// Whether records of this format carry the stream's position (for SSE, the event id a reconnecting client
    /// sends back). When true, the writer passes the position to <see cref="WriteItem{T}(FeedItem{T}, string, IBufferWriter{byte})"/>;
    /// when false it need not compute one.
    /// </summary>
    public virtual bool CarriesPosition => false;

    /// <summary>
    /// Writes one item together with the stream's position after it, e.g. <c>news:12,weather:40</c>. Formats
    /// that do not carry positions ignore it.
    /// </summary>
    /// <typeparam name="T">The item's data type.</typeparam>
    /// <param name="item">The item.</param>
    /// <param name="position">The stream's position in every feed after this item; must not contain line breaks.</param>
    /// <param name="output">Where the bytes go.</param>
    public virtual void WriteItem<T>(FeedItem<T> item, string position, IBufferWriter<byte> output) => WriteItem(item, output);

    /// <summary>Writes a control record that ends a stream, such as <see cref="FeedControlKind.Error"/> or <see cref="FeedControlKind.Shutdown"/>.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="feed">The feed it concerns, if any.</param>
    /// <param name="message">A human-readable explanation.</param>
    /// <param name="output">Where the bytes go.</param>
    public void WriteControl(FeedControlKind kind, string? feed, string message, IBufferWriter<byte> output) =>
        WriteControl(new FeedControl(kind, message), feed, output);

    /// <summary>Writes a control record that travelled in the stream, such as <c>gap</c> or <c>reset</c>.</summary>
    /// <param name="control">The record.</param>
    /// <param name="feed">The feed it concerns, if any.</param>
    /// <param name="output">Where the bytes go.</param>
    public abstract void WriteControl(FeedControl control, string? feed, IBufferWriter<byte> output);

    /// <summary>
    /// Writes an item, or, when its data is a <see cref="FeedControl"/>, that control record.
    /// </summary>
    /// <typeparam name="T">The item's data type.</typeparam>
    /// <param name="item">The item.</param>
    /// <param name="output">Where the bytes go.</param>
    public void WriteRecord<T>(FeedItem<T> item, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Data is FeedControl control)
        {
            WriteControl(control, item.Feed, output);
        }
        else
        {
            WriteItem(item, output);
        }
    }

    /// <summary>
    /// Writes what the format needs after the last record, once (CSV: the header of an export that had no
    /// items, and any control rows still waiting for it; other formats write nothing).
    /// </summary>
    /// <param name="output">Where the bytes go.</param>
    public virtual void WriteEnd(IBufferWriter<byte> output)
    {
    }

    /// <summary>Writes a comment the client ignores (SSE only; other formats write nothing).</summary>
    /// <param name="text">The comment, on one line.</param>
    /// <param name="output">Where the bytes go.</param>
    public virtual void WriteComment(string text, IBufferWriter<byte> output)
    {
    }

    /// <summary>Writes the item's JSON object, with no line break.</summary>
    /// <typeparam name="T">The item's data type.</typeparam>
    /// <param name="item">The item.</param>
    /// <param name="output">Where the bytes go.</param>
    protected void WriteItemJson<T>(FeedItem<T> item, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(item);
        var record = item.RecordJson;
        if (!record.IsEmpty)
        {
            Utf8Output.Write(output, record.Span);
            return;
        }

        // The envelope is the same for every record, so it is written by hand, straight into the output; only
        // the data goes through the JSON writer. This is the hot path of every stream, and the writer's
        // per-call checks and bookkeeping cost more than the bytes for these four fields.
        var feed = _feedNames.Get(item.Feed).EncodedUtf8Bytes;
        var epoch = item.Epoch is { } name ? _epochs.Get(name).EncodedUtf8Bytes : default;
        var span = output.GetSpan(EnvelopeMaxLength + feed.Length + epoch.Length);
        var length = Append(span, 0, "{\"feed\":\""u8);
        length = Append(span, length, feed);
        length = Append(span, length, "\",\"seq\":"u8);
        Utf8Formatter.TryFormat(item.Sequence, span[length..], out var written);
        length += written;
        if (item.Epoch is not null)
        {
            length = Append(span, length, ",\"epoch\":\""u8);
            length = Append(span, length, epoch);
            length = Append(span, length, "\""u8);
        }

        length = Append(span, length, ",\"ts\":"u8);
        length += JsonTimestamp.Write(item.Timestamp.UtcDateTime, span[length..]);
        length = Append(span, length, ",\"data\":"u8);
        output.Advance(length);

        WriteDataJson(item, output);
        Utf8Output.Write(output, "}"u8);
    }

    /// <summary>
    /// The item's record as JSON, as <see cref="WriteItemJson{T}"/> writes it: for <see cref="FeedItem{T}.RecordJson"/>,
    /// so that a shared item is written once for all its readers. Not thread-safe, as the formatter is not.
    /// </summary>
    /// <typeparam name="T">The item's data type.</typeparam>
    /// <param name="item">The item.</param>
    /// <returns>The record's bytes.</returns>
    public ReadOnlyMemory<byte> EncodeItemJson<T>(FeedItem<T> item)
    {
        var output = new ArrayBufferWriter<byte>(128);
        WriteItemJson(item, output);
        return output.WrittenMemory;
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    /// <summary>
    /// Writes only the item's data as JSON, with no line break: its <see cref="FeedItem{T}.DataJson"/> when it
    /// has one (encoded once for every reader), otherwise serialized here.
    /// </summary>
    /// <typeparam name="T">The item's data type.</typeparam>
    /// <param name="item">The item.</param>
    /// <param name="output">Where the bytes go.</param>
    protected void WriteDataJson<T>(FeedItem<T> item, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(item);
        var encoded = item.DataJson;
        if (!encoded.IsEmpty)
        {
            Utf8Output.Write(output, encoded.Span);
            return;
        }

        var writer = WriterFor(output);
        WriteData(writer, item.Data);
        writer.Flush();
    }

    /// <summary>Writes a control record's JSON object, with no line break.</summary>
    /// <param name="control">The record.</param>
    /// <param name="feed">The feed it concerns, if any.</param>
    /// <param name="output">Where the bytes go.</param>
    protected static void WriteControlJson(FeedControl control, string? feed, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(control);
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("type", control.Type);
        if (feed is not null)
        {
            writer.WriteString("feed", feed);
        }

        if (control.Skipped is { } skipped)
        {
            writer.WriteNumber("skipped", skipped);
        }

        if (control.Status is { } status)
        {
            writer.WriteString("status", status);
        }

        if (control.Reason is { } reason)
        {
            writer.WriteString("reason", reason);
        }

        writer.WriteString("message", control.Message);
        writer.WriteEndObject();
        writer.Flush();
    }

    private void WriteData<T>(Utf8JsonWriter writer, T data)
    {
        if (data is null)
        {
            writer.WriteNullValue();
            return;
        }

        var type = data.GetType();
        if (type != _dataType)
        {
            _dataContract = _json.GetTypeInfo(type);
            _dataType = type;
        }

        JsonSerializer.Serialize(writer, data, _dataContract!);
    }

    private Utf8JsonWriter WriterFor(IBufferWriter<byte> output)
    {
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output);
        }
        else
        {
            _writer.Reset(output);
        }

        return _writer;
    }
}
