using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Tributary.App.Dashboard.Client;

namespace Tributary.App.Dashboard.Views;

/// <summary>The whole of one record under its timeline row.</summary>
public partial class RecordDetails
{
    private const int MaxFields = 50;

    // As the raw endpoint writes records: no epoch or type where there is none.
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private bool _copied;

    /// <summary>The record to show. Required.</summary>
    [Parameter, EditorRequired]
    public FeedRecord Record { get; set; } = null!;

    /// <summary>Raised with a field's dotted path and its value when the user picks a value.</summary>
    [Parameter]
    public EventCallback<(string Path, string Value)> FieldChosen { get; set; }

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    private string Json => JsonSerializer.Serialize(new
    {
        feed = Record.Feed,
        seq = Record.Sequence,
        epoch = Record.Epoch,
        ts = Record.Timestamp,
        type = Record.Type,
        data = Record.Data,
    }, Indented);

    // Scalars only, nested objects by dotted path; a bound keeps a huge record from flooding the row.
    private List<(string Path, string Value)> Fields => [.. Scalars(Record.Data, "").Take(MaxFields)];

    private static IEnumerable<(string Path, string Value)> Scalars(JsonElement element, string prefix)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var property in element.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var nested in Scalars(property.Value, path))
                    {
                        yield return nested;
                    }

                    break;
                case JsonValueKind.Array:
                    break;
                case JsonValueKind.String:
                    yield return (path, property.Value.GetString() ?? "");
                    break;
                default:
                    yield return (path, property.Value.GetRawText());
                    break;
            }
        }
    }

    private async Task CopyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", Json);
            _copied = true;
        }
        catch (JSException)
        {
            // The browser refused the clipboard (no permission, not a secure context): the JSON stays selectable.
            _copied = false;
        }
    }
}
