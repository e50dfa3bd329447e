using Microsoft.Extensions.Primitives;

namespace ScaleApp.Api.Http;

/// <summary>
/// Adds <c>X-Served-By: &lt;InstanceName&gt;</c> to every response so callers behind the gateway can
/// tell which API replica handled the request.
/// </summary>
internal sealed class ServedByMiddleware
{
    public const string HeaderName = "X-Served-By";

    private readonly RequestDelegate _next;

    // Built once, so a request allocates neither the header value nor the callback.
    private readonly Func<object, Task> _addHeader;

    public ServedByMiddleware(RequestDelegate next, IConfiguration configuration)
    {
        _next = next;
        var instanceName = new StringValues(configuration["InstanceName"] is { Length: > 0 } name ? name : Environment.MachineName);
        _addHeader = state =>
        {
            ((HttpResponse)state).Headers[HeaderName] = instanceName;
            return Task.CompletedTask;
        };
    }

    public Task InvokeAsync(HttpContext context)
    {
        // Set when the response starts, because the exception handler clears headers set before it runs.
        context.Response.OnStarting(_addHeader, context.Response);
        return _next(context);
    }
}
