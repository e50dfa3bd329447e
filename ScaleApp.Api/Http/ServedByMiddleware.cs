namespace ScaleApp.Api.Http;

/// <summary>
/// Adds <c>X-Served-By: &lt;InstanceName&gt;</c> to every response so callers behind the gateway can
/// tell which API replica handled the request.
/// </summary>
internal sealed class ServedByMiddleware(RequestDelegate next, IConfiguration configuration)
{
    public const string HeaderName = "X-Served-By";

    private readonly string _instanceName = configuration["InstanceName"] is { Length: > 0 } name ? name : Environment.MachineName;

    public Task InvokeAsync(HttpContext context)
    {
        // Set when the response starts, because the exception handler clears headers set before it runs.
        context.Response.OnStarting(
            static state =>
            {
                var (response, instanceName) = ((HttpResponse, string))state;
                response.Headers[HeaderName] = instanceName;
                return Task.CompletedTask;
            },
            (context.Response, _instanceName));

        return next(context);
    }
}
