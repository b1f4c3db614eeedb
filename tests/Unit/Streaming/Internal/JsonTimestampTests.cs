using System.Text;
using System.Text.Json;
using Tributary.Streaming.Internal;

namespace Tributary.Tests.Unit.Streaming.Internal;

public sealed class JsonTimestampTests
{
    public static TheoryData<DateTime> Edges => new()
    {
        new DateTime(2026, 11, 21, 8, 0, 1, DateTimeKind.Utc),                          // whole second: no fraction
        new DateTime(2026, 11, 21, 8, 0, 1, 250, DateTimeKind.Utc),                     // trailing zeros trimmed
        new DateTime(2026, 11, 21, 8, 0, 1, DateTimeKind.Utc).AddTicks(1),              // one tick: all 7 digits
        new DateTime(2026, 11, 21, 8, 0, 1, DateTimeKind.Utc).AddTicks(1_000_001),      // zeros inside the fraction kept
        DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc),
        DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void Writes_what_the_JSON_writer_writes(DateTime utc)
    {
        Assert.Equal(WithJsonWriter(utc), Written(utc));
    }

    [Fact]
    public void Writes_what_the_JSON_writer_writes_for_any_time()
    {
        var random = new Random(20261121);
        for (var i = 0; i < 10_000; i++)
        {
            var utc = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc);
            Assert.Equal(WithJsonWriter(utc), Written(utc));
        }
    }

    private static string Written(DateTime utc)
    {
        var buffer = new byte[JsonTimestamp.MaxLength];
        var length = JsonTimestamp.Write(utc, buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static string WithJsonWriter(DateTime utc)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStringValue(utc);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
