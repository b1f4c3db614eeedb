using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tributary.Streaming.Internal;
using Tributary.Streaming.Records;

namespace Tributary.Streaming.Formatting;

/// <summary>
/// CSV (RFC 4180) for exports: a header row, then one row per item. The columns are <c>feed</c>,
/// <c>seq</c>, <c>ts</c>, then the top-level fields of the first item's data (or one <c>data</c> column when
/// the data is not an object). Later items fill the same columns; nested values are written as JSON.
/// Fields holding a comma, a quote or a line break are quoted, with quotes doubled. A control record is a row
/// with empty <c>seq</c> and <c>ts</c> and <c>!! type: message</c> in the fourth field; it never decides the
/// columns, and one that comes before any item waits for the item's header. An export with no items is the
/// header <c>feed,seq,ts,data</c> alone (<see cref="WriteEnd"/>).
/// </summary>
/// <remarks>One instance writes one export: it remembers the columns it has written.</remarks>
/// <param name="json">Serializes item data; <see langword="null"/> for the web defaults.</param>
public sealed class CsvFormatter(JsonSerializerOptions? json = null) : FeedRecordFormatter(json)
{
    private readonly JsonSerializerOptions _json = json ?? JsonSerializerOptions.Web;
    private readonly List<string[]> _waitingForHeader = [];
    private string[]? _columns;

    /// <inheritdoc/>
    public override string ContentType => "text/csv; charset=utf-8";

    /// <inheritdoc/>
    public override void WriteItem<T>(FeedItem<T> item, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(item);
        var data = JsonSerializer.SerializeToElement(item.Data, _json);
        if (_columns is null)
        {
            WriteHeader(data.ValueKind == JsonValueKind.Object ? [.. data.EnumerateObject().Select(p => p.Name)] : [], output);
        }

        var fields = new List<string>(_columns.Length + 3)
        {
            item.Feed,
            item.Sequence.ToString(CultureInfo.InvariantCulture),
            item.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };
        if (_columns.Length == 0)
        {
            fields.Add(Text(data));
        }
        else
        {
            fields.AddRange(_columns.Select(c => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(c, out var v) ? Text(v) : ""));
        }

        WriteRow(output, fields);
    }

    /// <inheritdoc/>
    public override void WriteControl(FeedControl control, string? feed, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(control);
        // CSV has no control records; a row whose seq is empty and whose last field says what happened.
        string[] row = [feed ?? "", "", "", $"!! {control.Type}: {control.Message}"];
        if (_columns is null)
        {
            _waitingForHeader.Add(row);
            return;
        }

        WriteRow(output, row);
    }

    /// <inheritdoc/>
    public override void WriteEnd(IBufferWriter<byte> output)
    {
        if (_columns is null)
        {
            WriteHeader([], output);
        }
    }

    [MemberNotNull(nameof(_columns))]
    private void WriteHeader(string[] columns, IBufferWriter<byte> output)
    {
        _columns = columns;
        WriteRow(output, ["feed", "seq", "ts", .. (columns.Length == 0 ? ["data"] : columns)]);
        foreach (var row in _waitingForHeader)
        {
            WriteRow(output, row);
        }

        _waitingForHeader.Clear();
    }

    // RFC 4180: a field holding a comma, a quote or a line break is quoted, with its quotes doubled.
    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    private static void WriteRow(IBufferWriter<byte> output, IEnumerable<string> fields)
    {
        var row = new StringBuilder();
        foreach (var field in fields)
        {
            if (row.Length > 0)
            {
                row.Append(',');
            }

            row.Append(Quote(field));
        }

        row.Append("\r\n");
        Utf8Output.Write(output, row.ToString());
    }
}
