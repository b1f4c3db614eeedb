using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Operations;

/// <summary>
/// The records a stream or export carries, as OpenAPI schemas: a data record, an upstream's status record, and the
/// control records (<c>gap</c>, <c>reset</c>, <c>error</c>, <c>engine</c>, <c>shutdown</c>, <c>end</c>). Written by hand: the
/// formatters write these shapes by hand too (src/Streaming/Formatting), and the document's test checks real streams
/// against them.
/// </summary>
internal static class FeedRecordSchemas
{
    public const string FeedRecord = "FeedRecord";

    /// <summary>Every shape a <see cref="FeedRecord"/> can take.</summary>
    public static readonly string[] RecordSchemas = ["DataRecord", "StatusRecord", "GapRecord", "ResetRecord", "ErrorRecord", "EngineRecord", "ShutdownRecord", "EndRecord"];

    public static OpenApiSchemaReference Ref(string id) => new(id);

    public static void AddTo(OpenApiComponents components)
    {
        components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        components.Schemas["DataRecord"] = Envelope("An item of a feed. `data` is the feed's own JSON.", new OpenApiSchema { Description = "The item's data: any JSON value." });
        components.Schemas["UpstreamStatus"] = UpstreamStatusSchema();
        components.Schemas["StatusRecord"] = Envelope("An upstream feed's item about itself: its connection state, or something it skipped.", Ref("UpstreamStatus"));
        components.Schemas["GapRecord"] = Control("gap", "Items were skipped: this reader fell behind (its buffer was full), or resumed from a position history no longer holds.", feed: true, skipped: true);
        components.Schemas["ResetRecord"] = Control("reset", "The reader's numbering continues elsewhere: the items after its position left the history (`trimmed`) or were not kept (`not-kept`), its position is from another numbering (`epoch`, after a restart) or beyond the feed (`ahead`), or the feed's log started over (`started-over`), or the feed keeps no history at all (`private`: it runs for each stream). The stream goes on from the record's `seq`.", feed: true, reason: Feeds.Sharing.ResetReasons.All);
        components.Schemas["ErrorRecord"] = Control("error", "The stream ended because a feed failed, or the caller's access ended. The last record before `end` or the close.", feed: false);
        components.Schemas["EngineRecord"] = Control("engine", "The store that numbers shared feeds (PostgreSQL) became unavailable or recovered; the stream stays open.", feed: false, status: ["unavailable", "recovered"]);
        components.Schemas["ShutdownRecord"] = Control("shutdown", "The server is stopping: reconnect (with `since` or `Last-Event-ID`) to resume on another instance.", feed: false);
        components.Schemas["EndRecord"] = Control("end", "The stream ended normally: its limit, its maximum duration, or an export's last record.", feed: false);
        components.Schemas[FeedRecord] = new OpenApiSchema
        {
            Description = "One record of a stream: NDJSON writes one per line, SSE one per event's `data`.",
            AnyOf = [.. RecordSchemas.Select(Ref)],
        };
    }

    private static OpenApiSchema Envelope(string description, IOpenApiSchema data) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Required = new SortedSet<string>(StringComparer.Ordinal) { "feed", "seq", "ts", "data" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["feed"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The feed's name." },
            ["seq"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "The item's number in its feed, from 1." },
            ["epoch"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Shared feeds: which numbering `seq` belongs to; changes when the feed starts over." },
            ["ts"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "When the item was produced, UTC." },
            ["data"] = data,
        },
        Examples = data is OpenApiSchemaReference
            ? null
            : [new JsonObject { ["feed"] = "counter", ["seq"] = 1, ["ts"] = "2026-11-21T17:12:05.0903161Z", ["data"] = new JsonObject { ["value"] = 1 } }],
    };

    private static OpenApiSchema UpstreamStatusSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new SortedSet<string>(StringComparer.Ordinal) { "status", "message" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["status"] = Enum(
                UpstreamStatus.Connected, UpstreamStatus.Disconnected, UpstreamStatus.Reconnecting, UpstreamStatus.Stalled, UpstreamStatus.Redirected,
                UpstreamStatus.Malformed, UpstreamStatus.Oversize, UpstreamStatus.Truncated, UpstreamStatus.Rotated, UpstreamStatus.Missed),
            ["message"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["attempt"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "For `reconnecting`: the attempt, from 1." },
            ["delayMs"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "For `reconnecting`: the wait before it." },
            ["bytes"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "For `oversize`: the skipped item's size." },
        },
    };

    private static OpenApiSchema Control(string type, string description, bool feed, bool skipped = false, string[]? status = null, string[]? reason = null)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = description,
            Required = new SortedSet<string>(StringComparer.Ordinal) { "type", "message" },
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["type"] = Enum(type),
                ["feed"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The feed it concerns, when it concerns one." },
                ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What happened, for people." },
            },
        };
        if (feed)
        {
            schema.Required!.Add("feed");
        }

        if (skipped)
        {
            schema.Properties!["skipped"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "How many items were skipped, when known." };
        }

        if (status is not null)
        {
            schema.Properties!["status"] = Enum(status);
            schema.Required!.Add("status");
        }

        if (reason is not null)
        {
            schema.Properties!["reason"] = Enum(reason);
            schema.Required!.Add("reason");
        }

        return schema;
    }

    public static OpenApiSchema Enum(params string[] values) =>
        new() { Type = JsonSchemaType.String, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))] };
}
