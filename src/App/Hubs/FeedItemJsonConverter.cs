using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Records;

namespace Tributary.App.Hubs;

/// <summary>
/// Writes hub stream items with the same JSON the serializer's own contract gives them
/// (<c>{"feed":…,"seq":…,"epoch":…,"ts":…,"data":…}</c>, the record every HTTP format writes, with the time in UTC;
/// control and upstream status records also carry <c>"type"</c>: <c>gap</c>, <c>reset</c>, …, or <c>status</c>), without
/// its general object machinery: a hub stream
/// sends one message per item, and the generic converter's per-property bookkeeping and polymorphic look-up
/// of <c>data</c> were a visible share of the hub's cost per item.
/// </summary>
/// <remarks>Write-only: the server never reads feed items, and clients deserialize into their own types.</remarks>
internal sealed class FeedItemJsonConverter(Action<long>? countBytes = null) : JsonConverter<FeedItem<object>>
{
    private static readonly JsonEncodedText FeedProperty = JsonEncodedText.Encode("feed");
    private static readonly JsonEncodedText SequenceProperty = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText EpochProperty = JsonEncodedText.Encode("epoch");
    private static readonly JsonEncodedText TimestampProperty = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText DataProperty = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText StatusType = JsonEncodedText.Encode("status");

    // The last data type's contract. Shared by every connection, so it is swapped as one reference.
    private DataContract? _last;

    public override FeedItem<object>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The feed hub only writes feed items; deserialize them into FeedItem<JsonElement> or your own type.");

    public override void Write(Utf8JsonWriter writer, FeedItem<object> value, JsonSerializerOptions options)
    {
        var start = writer.BytesCommitted + writer.BytesPending;
        WriteItem(writer, value, options);
        countBytes?.Invoke(writer.BytesCommitted + writer.BytesPending - start);
    }

    private void WriteItem(Utf8JsonWriter writer, FeedItem<object> value, JsonSerializerOptions options)
    {
        // A shared item's record, written once for all its readers, has these fields in this order; control and
        // status records, which need "type", have none.
        if (value.RecordJson is { IsEmpty: false } record && value.Data is not (FeedControl or UpstreamStatus))
        {
            writer.WriteRawValue(record.Span, skipInputValidation: true);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString(FeedProperty, value.Feed);
        writer.WriteNumber(SequenceProperty, value.Sequence);
        if (value.Epoch is { } epoch)
        {
            writer.WriteString(EpochProperty, epoch);
        }

        // As UTC, the way the HTTP formats write it ("…Z"), so one record reads the same on every transport.
        writer.WriteString(TimestampProperty, value.Timestamp.UtcDateTime);
        WriteType(writer, value.Data);
        writer.WritePropertyName(DataProperty);
        if (!value.DataJson.IsEmpty)
        {
            // Encoded once for every reader of a shared feed, with FeedJson.Options: the hub's payload options
            // resolve feed data through the same context and defaults, so the bytes are the ones it would write.
            writer.WriteRawValue(value.DataJson.Span, skipInputValidation: true);
        }
        else if (value.Data is { } data)
        {
            JsonSerializer.Serialize(writer, data, ContractFor(data.GetType(), options));
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    // Control and status records say so beside the envelope, as the HTTP formats' control records do with their
    // "type": a client cannot tell them from data by the data's shape, which an upstream feed may share.
    private static void WriteType(Utf8JsonWriter writer, object? data)
    {
        switch (data)
        {
            case FeedControl control:
                writer.WriteString(TypeProperty, control.Type);
                break;
            case UpstreamStatus:
                writer.WriteString(TypeProperty, StatusType);
                break;
        }
    }

    private JsonTypeInfo ContractFor(Type type, JsonSerializerOptions options)
    {
        var last = _last;
        if (last is null || last.Type != type || last.Options != options)
        {
            last = new DataContract(type, options, options.GetTypeInfo(type));
            _last = last;
        }

        return last.Info;
    }

    private sealed record DataContract(Type Type, JsonSerializerOptions Options, JsonTypeInfo Info);
}
