using Microsoft.Net.Http.Headers;
using ScaleApp.Gateway.Telemetry;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Forwards an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS) once more, to another available replica, when
/// the first replica failed before the client received any response byte: connection refused or reset, or a
/// timeout. POST and PATCH are never retried, and neither is a request whose body could not be replayed.
/// </summary>
/// <remarks>
/// It runs before YARP's load balancing, so the retry is balanced among the replicas left. The passive health check
/// has already counted the failure of the first replica when the retry starts. YARP has no retry of its own.
/// </remarks>
internal sealed partial class IdempotentRetryMiddleware(RequestDelegate next, GatewayMetrics metrics, ILogger<IdempotentRetryMiddleware> logger)
{
    /// <summary>Largest request body buffered in memory so a PUT or DELETE can be sent again.</summary>
    public const int MaxReplayableBodyBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        var replayable = candidates.Count > 1 && IsIdempotent(context.Request.Method) && PrepareBodyForReplay(context.Request);

        await next(context);

        if (!replayable || !ShouldRetry(context) || proxy.ProxiedDestination is not { } failed)
        {
            return;
        }

        var remaining = candidates.Where(destination => destination != failed && !IsUnhealthy(destination)).ToArray();
        if (remaining.Length == 0)
        {
            return;
        }

        var error = context.Features.Get<IForwarderErrorFeature>()!.Error;
        var failedReplica = DestinationNames.GetReplicaName(failed.DestinationId);
        LogRetry(logger, context.Request.Method, context.Request.Path, failedReplica, error);
        metrics.RecordRetry(failedReplica);

        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }

        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Clear();
        proxy.AvailableDestinations = remaining;

        await next(context);
    }

    internal static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPut(method)
        || HttpMethods.IsDelete(method) || HttpMethods.IsOptions(method);

    /// <summary>
    /// Returns whether the request body can be sent twice: no body, or a small body with a known length, which is
    /// then buffered. A chunked or large body is streamed once and never retried.
    /// </summary>
    private static bool PrepareBodyForReplay(HttpRequest request)
    {
        if (request.Headers.ContainsKey(HeaderNames.TransferEncoding))
        {
            return false;
        }

        switch (request.ContentLength)
        {
            case null or 0:
                return true;
            case <= MaxReplayableBodyBytes:
                request.EnableBuffering(bufferThreshold: MaxReplayableBodyBytes);
                return true;
            default:
                return false;
        }
    }

    private static bool ShouldRetry(HttpContext context)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }

        // Request covers refused, reset and closed connections before the response headers arrived.
        return context.Features.Get<IForwarderErrorFeature>()?.Error is ForwarderError.Request or ForwarderError.RequestTimedOut;
    }

    private static bool IsUnhealthy(DestinationState destination) =>
        destination.Health.Active == DestinationHealth.Unhealthy || destination.Health.Passive == DestinationHealth.Unhealthy;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying {Method} {Path} on another replica because {Replica} failed with {Error} before responding")]
    private static partial void LogRetry(ILogger logger, string method, PathString path, string replica, ForwarderError error);
}
