using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using ScaleApp.Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ScaleApp.Gateway.Telemetry;

/// <summary>
/// Tags the request's server span with the chosen destination and records <see cref="GatewayMetrics"/>.
/// It runs first in the proxy pipeline, so it records the final status code of every proxied request.
/// </summary>
internal sealed class ProxyTelemetryMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    /// <summary>Span tag with the YARP destination id, e.g. <c>api-0[http://127.0.0.1:5123/]</c>. YARP uses the same tag name on its own spans.</summary>
    public const string DestinationIdTag = "proxy.destination_id";

    public async Task InvokeAsync(HttpContext context)
    {
        var startTimestamp = Stopwatch.GetTimestamp();
        string? exceptionType = null;

        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            exceptionType = exception.GetType().FullName;
            throw;
        }
        finally
        {
            var destinationId = context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId;
            // An unrecorded span (sampled out) is never exported, so the tag would only cost an allocation.
            if (destinationId is not null && context.Features.Get<IHttpActivityFeature>()?.Activity is { IsAllDataRequested: true } activity)
            {
                activity.SetTag(DestinationIdTag, destinationId);
            }

            var forwarderError = context.Features.Get<IForwarderErrorFeature>()?.Error ?? ForwarderError.None;
            var errorType = exceptionType ?? (forwarderError == ForwarderError.None ? null : forwarderError.ToString());

            // An exception escapes before the exception handler sets the status code it will return.
            var statusCode = exceptionType is null ? context.Response.StatusCode : StatusCodes.Status500InternalServerError;

            metrics.RecordRequest(
                destinationId is null ? null : DestinationNames.GetReplicaName(destinationId),
                statusCode,
                errorType,
                Stopwatch.GetElapsedTime(startTimestamp));
        }
    }
}
