using Microsoft.Net.Http.Headers;

namespace ScaleApp.Gateway.Edge;

/// <summary>
/// Adds browser security headers to every response the gateway sends, proxied, cached or its own. A header the
/// API already set is kept, so a replica can send a stricter policy for one response.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>
    /// Scripts, styles and requests only from the gateway's own origin, no plugins, no framing and no form posts
    /// elsewhere. The page loads its script and stylesheet from <c>/assets</c> and calls <c>/api</c>.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Func<object, Task> AddHeaders = static state =>
    {
        var headers = ((HttpResponse)state).Headers;
        headers.Remove(HeaderNames.Server);
        headers.Remove(HeaderNames.XPoweredBy);
        SetIfMissing(headers, HeaderNames.XContentTypeOptions, "nosniff");
        SetIfMissing(headers, HeaderNames.XFrameOptions, "DENY");
        SetIfMissing(headers, "Referrer-Policy", "strict-origin-when-cross-origin");
        SetIfMissing(headers, HeaderNames.ContentSecurityPolicy, ContentSecurityPolicy);
        SetIfMissing(headers, "Cross-Origin-Opener-Policy", "same-origin");
        return Task.CompletedTask;
    };

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(AddHeaders, context.Response);
        return next(context);
    }

    private static void SetIfMissing(IHeaderDictionary headers, string name, string value)
    {
        if (!headers.ContainsKey(name))
        {
            headers[name] = value;
        }
    }
}
