using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Tributary.App.Endpoints.Publishing;
using Tributary.App.Feeds;

namespace Tributary.App.Mercure;

/// <summary>
/// Reads a Mercure publish (<c>application/x-www-form-urlencoded</c>: <c>topic</c>, repeatable; <c>data</c>, <c>id</c>,
/// <c>type</c>, <c>retry</c>, <c>private</c>) into an update, or the refusal that names what is wrong with it.
/// </summary>
internal static class MercurePublishForm
{
    /// <summary>The path under which topics are the hub's own (the specification reserves it).</summary>
    public const string ReservedPath = "/.well-known/mercure";

    /// <returns>The update and its JSON as kept (measured against the feed's limit here, published as is), or the refusal.</returns>
    public static async Task<(MercureUpdate? Update, byte[]? Json, PublishRefusal? Refusal)> ReadAsync(HttpRequest request, FeedDefinition feed, long maxRequestBytes, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Refuse(StatusCodes.Status415UnsupportedMediaType, "Send the update as application/x-www-form-urlencoded fields: topic (one or more), data, id, type, retry, private.");
        }

        IFormCollection form;
        try
        {
            // The limits this hub names, rather than the framework's defaults (4 MB a value, 1,024 values).
            request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions
            {
                ValueLengthLimit = (int)Math.Min(int.MaxValue, maxRequestBytes),
                ValueCountLimit = 1024,
                KeyLengthLimit = 64,
            }));
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException tooLarge)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, $"The form is larger than this hub takes: {tooLarge.Message}");
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {maxRequestBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, the most a publish may send (Publishing:MaxRequestBytes).");
        }

        var topics = form["topic"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
        if (topics.Count == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, "The update has no topic: send at least one topic field (the IRI of the resource it is about).");
        }

        if (topics.FirstOrDefault(t => t.Length > TopicSelector.MaxLength || t.Any(char.IsControl)) is { } unfit)
        {
            return Refuse(StatusCodes.Status400BadRequest, $"Topic '{Shown(unfit)}' must be at most {TopicSelector.MaxLength} characters without control characters (an IRI).");
        }

        if (topics.Count > TopicSelectors.MaxCount)
        {
            return Refuse(StatusCodes.Status400BadRequest, $"The update has {topics.Count} topics; at most {TopicSelectors.MaxCount} are taken.");
        }

        if (topics.FirstOrDefault(IsReserved) is { } reserved)
        {
            return Refuse(StatusCodes.Status403Forbidden, $"Topic '{reserved}' is under {ReservedPath}, which is reserved for the hub's own updates.");
        }

        // Empty fields are absent ones, as in the reference hub: an empty id gets a generated one, an empty retry none.
        var id = Field(form, "id");
        if (Invalid(id, "id") is { } badId)
        {
            return badId;
        }

        var type = Field(form, "type");
        if (type is not null && type.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, "The type field must be one line: it becomes the SSE event name.");
        }

        var retry = Field(form, "retry");
        if (retry is not null && (retry.Length > 10 || !retry.All(char.IsAsciiDigit)))
        {
            return Refuse(StatusCodes.Status400BadRequest, $"The retry field '{Shown(retry)}' must be a reconnection time in milliseconds: 1 to 10 digits.");
        }

        var update = new MercureUpdate(id ?? $"urn:uuid:{Guid.NewGuid()}", topics, form["data"].ToString(), type, retry, form.ContainsKey("private"));
        var json = update.ToJson();
        var size = json.Length;
        if (size > feed.MaxItemBytes)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, $"The update takes {size.ToString("N0", CultureInfo.InvariantCulture)} bytes as kept, more than the {feed.MaxItemBytes.ToString("N0", CultureInfo.InvariantCulture)} its feed '{feed.Name}' keeps per item (MaxItemBytes).");
        }

        return (update, json, null);
    }

    private static (MercureUpdate?, byte[]?, PublishRefusal?)? Invalid(string? id, string field)
    {
        if (id is null)
        {
            return null;
        }

        if (id.StartsWith('#') || !id.All(c => c is > ' ' and <= '~'))
        {
            return Refuse(StatusCodes.Status400BadRequest, $"The {field} field '{Shown(id)}' must be printable ASCII without spaces, not starting with '#' (a URI: percent-encode other characters); it becomes the SSE id and the Last-Event-ID header.");
        }

        return id.Length > PublishRequestReader.MaxIdLength
            ? Refuse(StatusCodes.Status413PayloadTooLarge, $"The {field} field is {id.Length} characters long; ids may have at most {PublishRequestReader.MaxIdLength}.")
            : null;
    }

    // The specification compares the path the topic resolves to, so an absolute topic on any host is reserved too.
    private static bool IsReserved(string topic)
    {
        var path = Uri.TryCreate(topic, UriKind.Absolute, out var absolute) && absolute.IsAbsoluteUri && !absolute.IsFile
            ? absolute.AbsolutePath
            : topic.Split('?', '#')[0];
        return path.Equals(ReservedPath, StringComparison.Ordinal) || path.StartsWith(ReservedPath + "/", StringComparison.Ordinal);
    }

    private static string? Field(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } value ? value : null;

    // A value quoted in a refusal: escaped, so a line break in it cannot split the sentence.
    private static string Shown(string value) => value.Length > 80 ? System.Text.Json.JsonEncodedText.Encode(value[..80]) + "…" : System.Text.Json.JsonEncodedText.Encode(value).ToString();

    private static (MercureUpdate?, byte[]?, PublishRefusal?) Refuse(int status, string detail) => (null, null, new PublishRefusal(status, detail));
}
