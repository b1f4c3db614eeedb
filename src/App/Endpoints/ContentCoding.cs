using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Tributary.Streaming.Compression;

namespace Tributary.App.Endpoints;

/// <summary>Picks the response's content coding from <c>Accept-Encoding</c>: gzip or br by q-value, gzip on a tie, none when not asked.</summary>
internal static class ContentCoding
{
    public static LiveCompressionFormat? Negotiate(StringValues acceptEncoding)
    {
        if (!StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var offers))
        {
            return null;
        }

        double gzip = 0, brotli = 0;
        foreach (var offer in offers)
        {
            var quality = offer.Quality ?? 1;
            if (offer.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || offer.Value.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = quality;
            }
            else if (offer.Value.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                brotli = quality;
            }
        }

        if (gzip <= 0 && brotli <= 0)
        {
            return null;
        }

        return brotli > gzip ? LiveCompressionFormat.Brotli : LiveCompressionFormat.Gzip;
    }

    public static string HeaderValue(this LiveCompressionFormat format) =>
        format == LiveCompressionFormat.Brotli ? "br" : "gzip";
}
