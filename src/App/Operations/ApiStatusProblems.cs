namespace Tributary.App.Operations;

/// <summary>
/// Gives the API's bodiless error answers a problem+json body naming the problem: the framework's own 404 (no such
/// route) and 405 (wrong method, with Allow) say nothing otherwise. Pages keep their own answers.
/// </summary>
internal static class ApiStatusProblems
{
    public static WebApplication UseApiStatusProblems(this WebApplication app)
    {
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (!Endpoints.ApiPaths.Contains(http.Request.Path))
            {
                return;
            }

            var status = http.Response.StatusCode;
            var detail = status switch
            {
                StatusCodes.Status404NotFound => $"There is no endpoint at {http.Request.Path}; the API is described at {ApiDescription.DocumentPath}.",
                StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}; use {http.Response.Headers.Allow}.",
                _ => null,
            };
            await TypedResults.Problem(detail: detail, statusCode: status).ExecuteAsync(http);
        });
        return app;
    }
}
