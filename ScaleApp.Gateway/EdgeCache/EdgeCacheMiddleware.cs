using ScaleApp.Gateway.Telemetry;
using Yarp.ReverseProxy.Model;

namespace ScaleApp.Gateway.EdgeCache;

/// <summary>
/// Marks each response on the asset path with <c>X-Cache: HIT</c> or <c>MISS</c> and counts hits and misses for the
/// offload ratio. It runs before the output cache: a hit never enters YARP's pipeline, so it has no proxy feature.
/// </summary>
internal sealed class EdgeCacheMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    public const string CacheStatusHeader = "X-Cache";
    public const string PathPrefix = "/assets";

    private static readonly Func<object, Task> MarkResponse = static state =>
    {
        var (context, metrics) = ((HttpContext, GatewayMetrics))state;
        var hit = context.Features.Get<IReverseProxyFeature>() is null
            && context.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status304NotModified;

        context.Response.Headers[CacheStatusHeader] = hit ? "HIT" : "MISS";
        metrics.RecordEdgeCacheLookup(hit);
        return Task.CompletedTask;
    };

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.OnStarting(MarkResponse, (context, metrics));
        }

        return next(context);
    }
}
