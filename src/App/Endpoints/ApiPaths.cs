namespace Tributary.App.Endpoints;

/// <summary>
/// The paths programs call, as opposed to pages people open: refusals and errors there answer problem+json (never a
/// redirect to the sign-in page, never an HTML page).
/// </summary>
public static class ApiPaths
{
    private static readonly PathString[] Roots = ["/api", "/hubs", "/health", "/metrics", "/openapi", "/.well-known/mercure"];

    public static bool Contains(PathString path) => Roots.Any(root => path.StartsWithSegments(root, StringComparison.OrdinalIgnoreCase));
}
