using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// Checks a JSON value against a schema of an OpenAPI 3.1 document (JSON Schema 2020-12): the subset the document
/// uses ($ref, allOf, anyOf, oneOf, type as a name or a list of names, enum, const, required, properties, items,
/// additionalProperties, minimum, maximum, pattern, date-time). Returns what does not match, empty when it all does.
/// </summary>
internal static class OpenApiSchemaCheck
{
    public static List<string> Check(JsonElement value, JsonElement schema, JsonElement document, string path = "$")
    {
        var errors = new List<string>();
        Check(value, schema, document, path, errors);
        return errors;
    }

    public static JsonElement Schema(JsonElement document, string name) =>
        document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private static void Check(JsonElement value, JsonElement schema, JsonElement document, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            Check(value, Schema(document, name), document, path, errors);
            return;
        }

        if (schema.TryGetProperty("allOf", out var all))
        {
            foreach (var part in all.EnumerateArray())
            {
                Check(value, part, document, path, errors);
            }
        }

        if (schema.TryGetProperty("anyOf", out var any) || schema.TryGetProperty("oneOf", out any))
        {
            var matches = any.EnumerateArray().Count(part => Check(value, part, document, path).Count == 0);
            if (matches == 0)
            {
                errors.Add($"{path}: matches none of the schemas it may take: {value.GetRawText()}");
            }
        }

        if (schema.TryGetProperty("type", out var type) && !Types(type).Any(t => HasType(value, t)))
        {
            errors.Add($"{path}: is {value.ValueKind}, not {type.GetRawText()}.");
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.GetRawText() == value.GetRawText()))
        {
            errors.Add($"{path}: {value.GetRawText()} is not one of {values.GetRawText()}.");
        }

        if (schema.TryGetProperty("const", out var constant) && constant.GetRawText() != value.GetRawText())
        {
            errors.Add($"{path}: {value.GetRawText()} is not {constant.GetRawText()}.");
        }

        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("pattern", out var pattern)
            && !Regex.IsMatch(value.GetString()!, pattern.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{path}: '{value.GetString()}' does not match the pattern {pattern.GetString()}.");
        }

        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("format", out var format) && format.GetString() == "date-time"
            && !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add($"{path}: '{value.GetString()}' is not a date-time.");
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            if (schema.TryGetProperty("minimum", out var minimum) && value.GetDouble() < minimum.GetDouble())
            {
                errors.Add($"{path}: {value} is below the minimum {minimum}.");
            }

            if (schema.TryGetProperty("maximum", out var maximum) && value.GetDouble() > maximum.GetDouble())
            {
                errors.Add($"{path}: {value} is above the maximum {maximum}.");
            }
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            CheckObject(value, schema, document, path, errors);
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(item, items, document, $"{path}[{i++}]", errors);
            }
        }
    }

    private static void CheckObject(JsonElement value, JsonElement schema, JsonElement document, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(n => n.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
            {
                errors.Add($"{path}: lacks the required property '{name}'.");
            }
        }

        var properties = schema.TryGetProperty("properties", out var declared) ? declared : default;
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(property.Value, propertySchema, document, $"{path}.{property.Name}", errors);
            }
            else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
            {
                Check(property.Value, additional, document, $"{path}.{property.Name}", errors);
            }
        }
    }

    // 3.1 writes a nullable type as a list of names, e.g. ["null", "string"].
    private static IEnumerable<string> Types(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!) : [type.GetString()!];

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        _ => throw new ArgumentException($"'{type}' is not a JSON Schema type.", nameof(type)),
    };
}
