namespace Tributary.Streaming.Compression;

/// <summary>The content codings <see cref="LiveCompressionWriter"/> can produce.</summary>
public enum LiveCompressionFormat
{
    /// <summary>gzip (RFC 1952), HTTP <c>Content-Encoding: gzip</c>.</summary>
    Gzip,

    /// <summary>Brotli (RFC 7932), HTTP <c>Content-Encoding: br</c>.</summary>
    Brotli,
}
