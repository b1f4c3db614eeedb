using System.Buffers;
using System.Text;
using Tributary.Streaming.Formatting;
using Tributary.Streaming.Records;

namespace Tributary.Tests.Unit.Streaming.Formatting;

public sealed class FeedRecordFormatterTests
{
    private static readonly FeedItem<object> Item = new("news", 12, new DateTimeOffset(2026, 11, 21, 8, 0, 1, 250, TimeSpan.Zero), new { Headline = "Rain \"later\"" });
    private const string ItemJson = "{\"feed\":\"news\",\"seq\":12,\"ts\":\"2026-11-21T08:00:01.25Z\",\"data\":{\"headline\":\"Rain \\u0022later\\u0022\"}}";

    [Fact]
    public void Ndjson_writes_one_json_object_per_line()
    {
        Assert.Equal(ItemJson + "\n", Format(new NdjsonFormatter(), (f, output) => f.WriteItem(Item, output)));
    }

    [Fact]
    public void Every_format_writes_an_items_encoded_data_as_given_instead_of_serializing_it_again()
    {
        var encoded = Item with { DataJson = "{\"shared\":true}"u8.ToArray() };

        Assert.Equal(ItemJson.Replace("{\"headline\":\"Rain \\u0022later\\u0022\"}", "{\"shared\":true}", StringComparison.Ordinal) + "\n", Format(new NdjsonFormatter(), (f, output) => f.WriteItem(encoded, output)));
        Assert.Contains("data: {\"feed\":\"news\",\"seq\":12,\"ts\":\"2026-11-21T08:00:01.25Z\",\"data\":{\"shared\":true}}\n", Format(new SseFormatter(), (f, output) => f.WriteItem(encoded, output)), StringComparison.Ordinal);
        Assert.EndsWith("#12     {\"shared\":true}\n", Format(new TextFormatter(), (f, output) => f.WriteItem(encoded, output)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_formats_copy_an_items_encoded_record_and_it_is_what_they_would_have_written()
    {
        var encoded = Item with { RecordJson = new NdjsonFormatter().EncodeItemJson(Item) };
        var marked = Item with { RecordJson = "{\"cached\":1}"u8.ToArray() };

        Assert.Equal(ItemJson, Encoding.UTF8.GetString(encoded.RecordJson.Span));
        Assert.Equal("{\"cached\":1}\n", Format(new NdjsonFormatter(), (f, output) => f.WriteItem(marked, output)));
        Assert.Contains("data: {\"cached\":1}\n", Format(new SseFormatter(), (f, output) => f.WriteItem(marked, output)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_encoded_record_belongs_to_its_values_a_copy_that_changes_any_has_none()
    {
        var encoded = Item with { DataJson = "{\"shared\":true}"u8.ToArray() };
        encoded = encoded with { RecordJson = new NdjsonFormatter().EncodeItemJson(encoded) };

        Assert.False(encoded.RecordJson.IsEmpty);
        Assert.False(encoded.DataJson.IsEmpty);
        Assert.True((encoded with { Sequence = 13 }).RecordJson.IsEmpty);
        Assert.True((encoded with { Epoch = "aaaaaaaaaaaa" }).RecordJson.IsEmpty);
        Assert.True((encoded with { Feed = "weather" }).RecordJson.IsEmpty);
        Assert.True((encoded with { Timestamp = Item.Timestamp.AddTicks(1) }).RecordJson.IsEmpty);
        Assert.True((encoded with { Data = new object() }).RecordJson.IsEmpty);
        Assert.True((encoded with { DataJson = "{\"other\":1}"u8.ToArray() }).RecordJson.IsEmpty);
        Assert.Contains("\"seq\":13,", Format(new NdjsonFormatter(), (f, output) => f.WriteItem(encoded with { Sequence = 13 }, output)), StringComparison.Ordinal);
        Assert.Equal(encoded, Item);
    }

    [Fact]
    public void An_encoding_belongs_to_its_data_a_copy_with_other_data_has_none_and_equality_ignores_it()
    {
        var encoded = Item with { DataJson = "{\"shared\":true}"u8.ToArray() };

        Assert.True((Item with { Sequence = 13 } with { DataJson = encoded.DataJson }).DataJson.Length > 0);
        Assert.True((encoded with { Data = new { Headline = "other" } }).DataJson.IsEmpty);
        Assert.Equal(Item, encoded);
        Assert.Equal(Item.GetHashCode(), encoded.GetHashCode());
    }

    [Fact]
    public void Ndjson_control_records_name_their_type_and_feed()
    {
        Assert.Equal("{\"type\":\"error\",\"feed\":\"news\",\"message\":\"it broke\"}\n", Format(new NdjsonFormatter(), (f, output) => f.WriteControl(FeedControlKind.Error, "news", "it broke", output)));
        Assert.Equal("{\"type\":\"shutdown\",\"message\":\"bye\"}\n", Format(new NdjsonFormatter(), (f, output) => f.WriteControl(FeedControlKind.Shutdown, null, "bye", output)));
    }

    [Fact]
    public void Ndjson_writes_no_comments()
    {
        Assert.Equal("", Format(new NdjsonFormatter(), (f, output) => f.WriteComment("heartbeat", output)));
    }

    [Fact]
    public void Sse_frames_an_item_with_id_event_and_data()
    {
        Assert.Equal($"id: news:12\nevent: news\ndata: {ItemJson}\n\n", Format(new SseFormatter(), (f, output) => f.WriteItem(Item, output)));
    }

    [Fact]
    public void Sse_control_records_are_events_named_after_their_type()
    {
        Assert.Equal("event: error\ndata: {\"type\":\"error\",\"feed\":\"news\",\"message\":\"it broke\"}\n\n", Format(new SseFormatter(), (f, output) => f.WriteControl(FeedControlKind.Error, "news", "it broke", output)));
    }

    [Fact]
    public void Sse_comments_stay_on_one_line()
    {
        Assert.Equal(": two lines\n\n", Format(new SseFormatter(), (f, output) => f.WriteComment("two\nlines", output)));
    }

    [Fact]
    public void Text_writes_time_feed_sequence_and_data_on_one_line()
    {
        Assert.Equal("08:00:01.250Z  news       #12     {\"headline\":\"Rain \\u0022later\\u0022\"}\n", Format(new TextFormatter(), (f, output) => f.WriteItem(Item, output)));
        Assert.Equal("!! error (news): it broke\n", Format(new TextFormatter(), (f, output) => f.WriteControl(FeedControlKind.Error, "news", "it broke", output)));
    }

    [Fact]
    public void One_formatter_writes_items_of_different_data_types_and_feeds_each_as_its_own()
    {
        var formatter = new NdjsonFormatter();
        var at = Item.Timestamp;
        FeedItem<object?>[] items =
        [
            new("news", 1, at, new { Headline = "a" }),
            new("weather", 1, at, 21.5),
            new("news", 2, at, null),
            new("news", 3, at, new { Headline = "b" }),
        ];

        var text = Format(formatter, (f, output) =>
        {
            foreach (var item in items)
            {
                f.WriteItem(item, output);
            }
        });

        Assert.Equal(
            [
                "{\"feed\":\"news\",\"seq\":1,\"ts\":\"2026-11-21T08:00:01.25Z\",\"data\":{\"headline\":\"a\"}}",
                "{\"feed\":\"weather\",\"seq\":1,\"ts\":\"2026-11-21T08:00:01.25Z\",\"data\":21.5}",
                "{\"feed\":\"news\",\"seq\":2,\"ts\":\"2026-11-21T08:00:01.25Z\",\"data\":null}",
                "{\"feed\":\"news\",\"seq\":3,\"ts\":\"2026-11-21T08:00:01.25Z\",\"data\":{\"headline\":\"b\"}}",
            ],
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_record_is_valid_JSON_whatever_the_feed_name_holds()
    {
        var item = new FeedItem<object>("we\"ird\\näme", long.MaxValue, Item.Timestamp, new { Headline = "x" });

        var line = Format(new NdjsonFormatter(), (f, output) => f.WriteItem(item, output));

        using var record = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal("we\"ird\\näme", record.RootElement.GetProperty("feed").GetString());
        Assert.Equal(long.MaxValue, record.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal("x", record.RootElement.GetProperty("data").GetProperty("headline").GetString());
    }

    [Theory]
    [InlineData(typeof(NdjsonFormatter), "application/x-ndjson; charset=utf-8")]
    [InlineData(typeof(SseFormatter), "text/event-stream; charset=utf-8")]
    [InlineData(typeof(TextFormatter), "text/plain; charset=utf-8")]
    public void Every_format_declares_its_content_type_with_charset(Type formatterType, string expected)
    {
        var formatter = (FeedRecordFormatter)Activator.CreateInstance(formatterType, [null])!;

        Assert.Equal(expected, formatter.ContentType);
    }

    [Fact]
    public void Sse_carries_the_stream_position_as_the_event_id()
    {
        var formatter = new SseFormatter();

        var written = Format(formatter, (f, output) => f.WriteItem(Item, "news:12,weather:40", output));

        Assert.True(formatter.CarriesPosition);
        Assert.StartsWith("id: news:12,weather:40\nevent: news\ndata: ", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Formats_without_positions_write_the_plain_item_and_ignore_the_position()
    {
        var formatter = new NdjsonFormatter();

        var written = Format(formatter, (f, output) => f.WriteItem(Item, "news:12,weather:40", output));

        Assert.False(formatter.CarriesPosition);
        Assert.Equal(ItemJson + "\n", written);
    }

    [Fact]
    public void A_csv_export_with_no_items_is_just_the_header()
    {
        Assert.Equal("feed,seq,ts,data\r\n", Format(new CsvFormatter(), (f, output) => f.WriteEnd(output)));
    }

    [Fact]
    public void A_csv_control_record_before_the_first_item_follows_the_header_the_item_decides()
    {
        var written = Format(new CsvFormatter(), (f, output) =>
        {
            f.WriteControl(FeedControlKind.Reset, "news", "resuming from seq 12", output);
            f.WriteItem(Item, output);
            f.WriteEnd(output);
        });

        Assert.Equal(
            "feed,seq,ts,headline\r\nnews,,,!! reset: resuming from seq 12\r\nnews,12,2026-11-21T08:00:01.250Z,\"Rain \"\"later\"\"\"\r\n",
            written);
    }

    [Theory]
    [InlineData(FeedControlKind.Gap, "gap")]
    [InlineData(FeedControlKind.Reset, "reset")]
    [InlineData(FeedControlKind.Error, "error")]
    [InlineData(FeedControlKind.Shutdown, "shutdown")]
    [InlineData(FeedControlKind.End, "end")]
    public void Every_control_kind_is_written_under_its_wire_name(FeedControlKind kind, string name)
    {
        var written = Format(new NdjsonFormatter(), (f, output) => f.WriteControl(kind, null, "why", output));

        Assert.Equal($"{{\"type\":\"{name}\",\"message\":\"why\"}}\n", written);
    }

    private static string Format(FeedRecordFormatter formatter, Action<FeedRecordFormatter, IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(formatter, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
