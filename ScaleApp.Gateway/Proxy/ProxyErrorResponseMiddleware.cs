using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Writes an <c>application/problem+json</c> body for requests that YARP could not forward,
/// because YARP itself only sets the status code and leaves the body empty.
/// </summary>
internal sealed class ProxyErrorResponseMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        var error = context.Features.Get<IForwarderErrorFeature>()?.Error ?? ForwarderError.None;

        // YARP has already logged the error. A started response cannot be replaced, and an aborted client
        // no longer reads one.
        if (error == ForwarderError.None || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var destinationId = context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId;
        var replicaName = destinationId is null ? null : DestinationNames.GetReplicaName(destinationId);
        var (statusCode, detail) = ProxyErrorDescriptions.Describe(error, context.Response.StatusCode, replicaName);

        // ProblemHttpResult uses IProblemDetailsService when it accepts the request's Accept header
        // and otherwise writes the JSON itself, so the body is never empty.
        await TypedResults.Problem(detail: detail, statusCode: statusCode).ExecuteAsync(context);
    }
}
