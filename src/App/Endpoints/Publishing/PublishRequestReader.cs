using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Net.Http.Headers;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Publishing;

namespace Tributary.App.Endpoints.Publishing;

/// <summary>
/// Reads a publish request's body into a <see cref="PublishBatch"/>: one item (<c>application/json</c>) or a batch, one
/// item per line (<c>application/x-ndjson</c>), each <c>{"data": …, "id": "…"}</c>. Every limit is checked before
/// anything is published, and each refusal names the item, the limit and the setting.
/// </summary>
internal static class PublishRequestReader
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdLength = 200;
    public const int MaxKeyLength = 255;

    private static readonly string[] NdjsonTypes = ["application/x-ndjson", "application/ndjson", "application/jsonl"];

    public static async Task<(PublishBatch? Batch, PublishRefusal? Refusal)> ReadAsync(HttpRequest request, FeedDefinition feed, PublishingOptions options, CancellationToken cancellationToken)
    {
        var batchBody = IsBatch(request.ContentType);
        if (batchBody is null)
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, "Send one item as application/json, or a batch as application/x-ndjson (one item per line), each item {\"data\": …, \"id\": \"…\"}.");
        }

        var (key, keyError) = ReadKey(request.Headers[IdempotencyKeyHeader]);
        if (keyError is not null)
        {
            return Refuse(StatusCodes.Status400BadRequest, keyError);
        }

        var body = await ReadBodyAsync(request, options.MaxRequestBytes, cancellationToken);
        if (body is null)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {options.MaxRequestBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (Publishing:MaxRequestBytes); send fewer items per request.");
        }

        if (!Utf8.IsValid(body))
        {
            return Refuse(StatusCodes.Status400BadRequest, "The body is not valid UTF-8; JSON must be sent as UTF-8.");
        }

        var items = new List<PublishItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<(int Line, ReadOnlyMemory<byte> Text)> lines = batchBody.Value ? Lines(body) : NonBlank(body);
        foreach (var (line, text) in lines)
        {
            var which = batchBody.Value ? $"The item on line {line}" : "The item";
            if (items.Count == options.MaxBatchItems)
            {
                return Refuse(StatusCodes.Status413PayloadTooLarge, $"The batch has more than {options.MaxBatchItems.ToString("N0", CultureInfo.InvariantCulture)} items (Publishing:MaxBatchItems); send it in several requests.");
            }

            var (item, error) = ReadItem(text, which);
            if (item is null)
            {
                return Refuse(StatusCodes.Status400BadRequest, error!);
            }

            if (item.DataJson.Length > feed.MaxItemBytes)
            {
                return Refuse(StatusCodes.Status413PayloadTooLarge, $"{which} has {item.DataJson.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes of data; feed '{feed.Name}' takes items up to {feed.MaxItemBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (its MaxItemBytes).");
            }

            if (item.Id is not null && !ids.Add(item.Id))
            {
                return Refuse(StatusCodes.Status400BadRequest, $"{which} has id '{item.Id}', like an earlier item of this request; each item's id must be its own.");
            }

            items.Add(item);
        }

        if (items.Count == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, "The body holds no items: send {\"data\": …} as application/json, or one such item per line as application/x-ndjson.");
        }

        return (new PublishBatch(items, key is null ? null : new IdempotencyKey(key, Fingerprint(items))), null);
    }

    // True for a batch, false for one item, null for a type this endpoint does not read.
    private static bool? IsBatch(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) || type.MediaType.Value is not { } media)
        {
            return null;
        }

        if (NdjsonTypes.Contains(media, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        return string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase) ? false : null;
    }

    private static (string? Key, string? Error) ReadKey(Microsoft.Extensions.Primitives.StringValues header)
    {
        if (header.Count == 0)
        {
            return (null, null);
        }

        var key = header.Count == 1 ? header[0]!.Trim().Trim('"') : null;
        return key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is >= '!' and <= '~')
            ? (key, null)
            : (null, $"{IdempotencyKeyHeader} must be one value of 1 to {MaxKeyLength} printable ASCII characters without spaces, such as a UUID.");
    }

    // The body, or null when it is larger than the limit (read no further than one byte past it).
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IEnumerable<(int Line, ReadOnlyMemory<byte> Text)> Lines(ReadOnlyMemory<byte> body)
    {
        var line = 0;
        while (body.Length > 0)
        {
            line++;
            var end = body.Span.IndexOf((byte)'\n');
            var text = end < 0 ? body : body[..end];
            body = end < 0 ? ReadOnlyMemory<byte>.Empty : body[(end + 1)..];
            // Blank lines (a trailing newline, a CRLF's CR) carry no item.
            if (!text.Span.Trim("\r \t"u8).IsEmpty)
            {
                yield return (line, text);
            }
        }
    }

    // A JSON body is one item; an empty one holds none.
    private static IEnumerable<(int Line, ReadOnlyMemory<byte> Text)> NonBlank(byte[] body) =>
        body.AsSpan().Trim(" \t\r\n"u8).IsEmpty ? [] : [(1, body)];

    private static (PublishItem? Item, string? Error) ReadItem(ReadOnlyMemory<byte> text, string which)
    {
        const string Shape = "an item is {\"data\": <any JSON>, \"id\": \"optional\"}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException invalid)
        {
            return (null, $"{which} is not valid JSON ({invalid.Message.Split(" Path:")[0]}); {Shape}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, $"{which} is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object; {Shape}.");
            }

            JsonElement? data = null;
            string? id = null;
            foreach (var field in root.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "data":
                        data = field.Value;
                        break;
                    case "id" when field.Value.ValueKind == JsonValueKind.String && TextOf(field.Value) is { Length: > 0 and <= MaxIdLength } value && !value.Any(char.IsControl):
                        id = value;
                        break;
                    case "id" when field.Value.ValueKind == JsonValueKind.Null:
                        break;
                    case "id":
                        return (null, $"{which} has an id that is not a string of 1 to {MaxIdLength} characters without control characters.");
                    default:
                        return (null, $"{which} has a field '{field.Name}' this endpoint does not take; {Shape}.");
                }
            }

            if (data is not { } payload)
            {
                return (null, $"{which} has no \"data\" field; {Shape}.");
            }

            return Compact(payload) is { } compact
                ? (new PublishItem(compact, id), null)
                : (null, $"{which} has a string that is not valid Unicode (an unpaired surrogate escape such as \\ud800).");
        }
    }

    // One line of JSON, whatever the publisher's layout (NDJSON readers need the record on one line), with its text as
    // sent: only what JSON must escape is escaped. Null when a string holds an unpaired surrogate.
    private static byte[]? Compact(JsonElement data)
    {
        using var buffer = new MemoryStream();
        try
        {
            using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            data.WriteTo(writer);
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        return buffer.ToArray();
    }

    private static string? TextOf(JsonElement text)
    {
        try
        {
            return text.GetString();
        }
        catch (InvalidOperationException)
        {
            // An unpaired surrogate escape: no string can hold it.
            return null;
        }
    }

    private static string Fingerprint(List<PublishItem> items)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in items)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(item.Id ?? ""));
            hash.AppendData([0]);
            hash.AppendData(item.DataJson.Span);
            hash.AppendData([0]);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static (PublishBatch?, PublishRefusal?) Refuse(int status, string detail) => (null, new PublishRefusal(status, detail));
}
