using System.IO.Compression;
using System.Text.Json;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

public sealed class StreamCompressionTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("br", "br")]
    [InlineData("gzip, deflate, br", "gzip")]
    [InlineData("gzip;q=0.5, br", "br")]
    public async Task A_compressed_stream_decompresses_to_the_same_items_as_a_plain_one(string acceptEncoding, string expectedCoding)
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        using var compressed = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=50", token, ("Accept-Encoding", acceptEncoding));
        using var plain = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=50", token);
        using var decompressed = new StreamReader(Decompressor(expectedCoding, await compressed.Content.ReadAsStreamAsync(token)));

        Assert.Equal([expectedCoding], compressed.Content.Headers.ContentEncoding);
        Assert.Equal(
            ItemsWithoutTimestamps(await (await plain.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token)),
            ItemsWithoutTimestamps(await decompressed.ReadNdjsonToEndAsync(token)));
    }

    [Fact]
    public async Task A_gzip_stream_stays_live_each_item_can_be_decompressed_on_arrival()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();

        // The idle feed's second item is due in 1000 s, so the first must come through the compressor alone.
        using var response = await client.OpenStreamAsync("/api/stream?feeds=idle", token, ("Accept-Encoding", "gzip"));
        using var reader = new StreamReader(new GZipStream(await response.Content.ReadAsStreamAsync(token), CompressionMode.Decompress));
        var first = JsonDocument.Parse(await reader.ReadLineOrThrowAsync(token)).RootElement;

        Assert.Equal(1, first.GetProperty("seq").GetInt64());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("gzip;q=0")]
    public async Task A_client_that_does_not_ask_for_compression_gets_none(string? acceptEncoding)
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        (string, string)[] headers = acceptEncoding is null ? [] : [("Accept-Encoding", acceptEncoding)];

        using var response = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=1", token, headers);
        var body = await response.Content.ReadAsStringAsync(token);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.StartsWith("{\"feed\":\"fast\"", body, StringComparison.Ordinal);
    }

    private static Stream Decompressor(string coding, Stream body) => coding == "br"
        ? new BrotliStream(body, CompressionMode.Decompress)
        : new GZipStream(body, CompressionMode.Decompress);

    private static List<string> ItemsWithoutTimestamps(List<JsonElement> records) =>
        [.. records.Select(r => $"{r.GetProperty("feed")}#{r.GetProperty("seq")}={r.GetProperty("data")}")];
}
