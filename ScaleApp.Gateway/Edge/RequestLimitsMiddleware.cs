using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using ScaleApp.Gateway.Proxy;

namespace ScaleApp.Gateway.Edge;

/// <summary>
/// Rejects oversized requests at the edge with problem details, before a replica receives them: 431 when the header
/// lines exceed <see cref="GatewayOptions.MaxRequestHeadersTotalSize"/>, 413 when the declared body exceeds
/// <see cref="GatewayOptions.MaxRequestBodySize"/>.
/// </summary>
/// <remarks>
/// A body without a declared length (chunked) is counted as it is forwarded, and gets its 413 from the proxy's error
/// path. After any error response that leaves such a body unread, the rest of the body is read and discarded for up to
/// <see cref="DiscardTimeout"/>. A client that sends its whole body before it reads the response (most do without
/// <c>Expect: 100-continue</c>) then gets the response instead of a reset connection.
/// </remarks>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, GatewayOptions options)
{
    // ": " between name and value and the CRLF that ends the line.
    private const int HeaderLineOverhead = 4;

    /// <summary>
    /// How long the gateway keeps reading and discarding a rejected body after its 413 response. A client that sends
    /// the whole body before it reads the response (most do without <c>Expect: 100-continue</c>) would otherwise hit a
    /// closed connection and never see the 413; nginx's lingering close does the same.
    /// </summary>
    private static readonly TimeSpan DiscardTimeout = TimeSpan.FromSeconds(5);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > options.MaxRequestBodySize)
        {
            return RejectBodyAsync(context);
        }

        var headersSize = HeadersTotalSize(context.Request.Headers);
        if (headersSize > options.MaxRequestHeadersTotalSize)
        {
            return RejectAsync(
                context,
                StatusCodes.Status431RequestHeaderFieldsTooLarge,
                "Request header fields too large.",
                $"The request headers total {headersSize} bytes; the gateway accepts at most {options.MaxRequestHeadersTotalSize}. Send fewer or shorter headers or cookies.");
        }

        if (context.Request.ContentLength is null && context.Request.Headers.ContainsKey(HeaderNames.TransferEncoding))
        {
            return ForwardChunkedBodyAsync(context);
        }

        return next(context);
    }

    private async Task ForwardChunkedBodyAsync(HttpContext context)
    {
        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is not { IsReadOnly: false })
        {
            await next(context);
            return;
        }

        // Kestrel's own limit would fail every later read of the body, so the rest could not be discarded after
        // the 413. BodySizeLimitStream enforces the same limit and leaves Kestrel's body readable.
        sizeLimit.MaxRequestBodySize = null;
        var body = context.Request.Body;
        var limitedBody = new BodySizeLimitStream(body, options.MaxRequestBodySize);
        context.Request.Body = limitedBody;
        try
        {
            await next(context);
        }
        finally
        {
            context.Request.Body = body;
        }

        if (!limitedBody.ReachedEnd && context.Response.StatusCode >= StatusCodes.Status400BadRequest && !context.RequestAborted.IsCancellationRequested)
        {
            await context.Response.CompleteAsync();
            await DiscardBodyAsync(context);
        }
    }

    internal static long HeadersTotalSize(IHeaderDictionary headers)
    {
        long total = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                total += name.Length + (value?.Length ?? 0) + HeaderLineOverhead;
            }
        }

        return total;
    }

    private async Task RejectBodyAsync(HttpContext context)
    {
        await RejectAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            "Request body too large.",
            $"The request body has {context.Request.ContentLength} bytes; the gateway accepts at most {options.MaxRequestBodySize}.");

        // A client waiting for 100 Continue sends no body after a final response, so there is nothing to discard.
        if (context.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        await context.Response.CompleteAsync();
        await DiscardBodyAsync(context);
    }

    private static async Task DiscardBodyAsync(HttpContext context)
    {
        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            // The discard is bounded by time instead, and nothing is kept.
            sizeLimit.MaxRequestBodySize = null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(DiscardTimeout);
        var buffer = new byte[16 * 1024];
        try
        {
            while (await context.Request.Body.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client gave up or was too slow; the connection closes, and it already has the 413.
        }
    }

    private static Task RejectAsync(HttpContext context, int statusCode, string title, string detail)
    {
        // The client may still be sending the body; the connection is closed after the response instead of drained.
        context.Response.Headers[HeaderNames.Connection] = "close";
        return TypedResults.Problem(statusCode: statusCode, title: title, detail: detail).ExecuteAsync(context);
    }
}
