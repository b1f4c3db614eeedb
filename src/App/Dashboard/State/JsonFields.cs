using System.Text.Json;

namespace Tributary.App.Dashboard.State;

/// <summary>
/// Reads fields of a record's JSON without ever throwing: a record comes from a feed or an upstream the dashboard
/// does not control, and a field of an unexpected kind (null, a string where a number was expected) must show as
/// missing, not stop the view. <see cref="JsonElement"/>'s own getters throw on the wrong kind.
/// </summary>
public static class JsonFields
{
    /// <summary>The field as text (a string's value, any other value's JSON); empty when absent.</summary>
    public static string Text(JsonElement data, string property) =>
        Field(data, property) is { } value ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText() : "";

    /// <summary>The field as a number; NaN when absent or not a number.</summary>
    public static double Number(JsonElement data, string property) =>
        Field(data, property) is { ValueKind: JsonValueKind.Number } value && value.TryGetDouble(out var number) ? number : double.NaN;

    /// <summary>The field as a whole number; null when absent, not a number, or not whole.</summary>
    public static long? WholeNumber(JsonElement data, string property) =>
        Field(data, property) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    /// <summary>Whether the field is the string <paramref name="expected"/>.</summary>
    public static bool IsString(JsonElement data, string property, string expected) =>
        Field(data, property) is { ValueKind: JsonValueKind.String } value && value.ValueEquals(expected);

    /// <summary>The field if <paramref name="data"/> is an object that has it.</summary>
    public static JsonElement? Field(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var value) ? value : null;
}
