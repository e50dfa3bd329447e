using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace ScaleApp.Api.Http;

/// <summary>
/// Turns request binding failures into problem details: malformed JSON and wrong JSON types become a
/// 400 validation problem keyed by the camelCase field that failed, and a missing or null body a 400
/// keyed by <see cref="BodyErrorKey"/>. Minimal APIs return 413 for an oversized body and 415 for a
/// non-JSON content type without throwing, and UseStatusCodePages writes the problem details for those.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails, ILogger<BadRequestExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Error key for a problem with the body as a whole rather than with one field.</summary>
    public const string BodyErrorKey = "$";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        logger.LogDebug(exception, "Rejected request {Method} {Path} with status {StatusCode}", httpContext.Request.Method, httpContext.Request.Path, badRequest.StatusCode);

        ProblemDetails problem = badRequest.InnerException is JsonException jsonException
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [FieldName(jsonException.Path)] = [DescribeJsonError(jsonException)],
            })
            {
                Title = "The request body is not valid JSON for this endpoint.",
            }
            : Describe(httpContext, badRequest);

        problem.Status = badRequest.StatusCode;
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>
    /// Returns the camelCase name of the top-level property in a System.Text.Json path such as
    /// <c>$.authorId</c> or <c>$['title']</c>, or <see cref="BodyErrorKey"/> when the path names none.
    /// </summary>
    internal static string FieldName(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return BodyErrorKey;
        }

        string name;
        if (jsonPath.StartsWith("$['", StringComparison.Ordinal))
        {
            var end = jsonPath.IndexOf("']", 3, StringComparison.Ordinal);
            name = end > 3 ? jsonPath[3..end] : string.Empty;
        }
        else if (jsonPath.StartsWith("$.", StringComparison.Ordinal))
        {
            var rest = jsonPath[2..];
            var end = rest.IndexOfAny(['.', '[']);
            name = end >= 0 ? rest[..end] : rest;
        }
        else
        {
            name = string.Empty;
        }

        return name.Length == 0 ? BodyErrorKey : JsonNamingPolicy.CamelCase.ConvertName(name);
    }

    private static string DescribeJsonError(JsonException exception)
    {
        var position = exception.LineNumber is { } line && exception.BytePositionInLine is { } column
            ? $" (line {line + 1}, byte {column + 1})"
            : string.Empty;

        return exception.Path is null or "$"
            ? $"The body is not a valid JSON object{position}."
            : $"The value is malformed or has the wrong JSON type{position}.";
    }

    private static ProblemDetails Describe(HttpContext httpContext, BadHttpRequestException exception) =>
        exception.StatusCode == StatusCodes.Status400BadRequest
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [BodyErrorKey] = [HasBody(httpContext) ? "The body must be a JSON object, not null." : "A JSON request body is required."],
            })
            {
                Title = "The request body is missing or empty.",
            }
            : new ProblemDetails
            {
                Title = "The request could not be read.",
                Detail = exception.Message,
            };

    private static bool HasBody(HttpContext httpContext) =>
        httpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false
        && httpContext.Request.ContentLength != 0;
}
