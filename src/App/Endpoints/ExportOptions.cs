namespace Tributary.App.Endpoints;

/// <summary>The <c>Exports</c> section of appsettings.json.</summary>
public sealed class ExportOptions
{
    public const string Section = "Exports";

    /// <summary>The directory <c>GET /api/files/{name}</c> serves from, relative to the content root. Default <c>exports</c>.</summary>
    public string Directory { get; set; } = "exports";
}
