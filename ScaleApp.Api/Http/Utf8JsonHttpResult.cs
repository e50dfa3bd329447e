namespace ScaleApp.Api.Http;

/// <summary>
/// A 200 response whose body is JSON already serialized to UTF-8. It sends the content type that
/// <c>TypedResults.Ok</c> sends for JSON, and a Content-Length where <c>TypedResults.Ok</c> uses chunked encoding.
/// </summary>
internal sealed class Utf8JsonHttpResult(byte[] utf8Json) : IResult
{
    public const string ContentType = "application/json; charset=utf-8";

    public byte[] Utf8Json { get; } = utf8Json;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = Utf8Json.Length;
        return response.Body.WriteAsync(Utf8Json, httpContext.RequestAborted).AsTask();
    }
}
