namespace Tributary.App.Endpoints;

/// <summary>The wire formats of <c>GET /api/stream</c>.</summary>
public enum StreamFormat
{
    Ndjson,
    Sse,
    Text,
}
