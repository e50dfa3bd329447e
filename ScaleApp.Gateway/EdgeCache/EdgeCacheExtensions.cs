using System.Net;
using Microsoft.AspNetCore.OutputCaching;
using ScaleApp.Gateway.Proxy;
using Yarp.ReverseProxy.Configuration;

namespace ScaleApp.Gateway.EdgeCache;

/// <summary>
/// Wires the edge cache: ASP.NET Core output caching in memory, attached to YARP's <c>assets</c> route through the
/// route's <c>OutputCachePolicy</c>, and a purge endpoint on the loopback admin port. With
/// <c>Gateway:EdgeCache:Enabled</c> false none of it is registered and the routes are forwarded uncached.
/// </summary>
internal static class EdgeCacheExtensions
{
    public const string PurgePath = "/admin/edge-cache/purge";
    public const string EnabledSetting = EdgeCacheOptions.SectionName + ":" + nameof(EdgeCacheOptions.Enabled);

    public static WebApplicationBuilder AddEdgeCache(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(EdgeCacheOptions.SectionName).Get<EdgeCacheOptions>() ?? new EdgeCacheOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Invalid gateway edge cache configuration: {string.Join(" ", errors)}");
        }

        builder.Services.AddSingleton(options);
        if (!options.Enabled)
        {
            // YARP rejects a route whose OutputCachePolicy names no registered policy, so the filter drops the name.
            builder.Services.AddSingleton<IProxyConfigFilter, EdgeCacheOffRouteFilter>();
            return builder;
        }

        builder.Services.AddOutputCache(cache =>
        {
            cache.SizeLimit = options.SizeLimit;
            cache.MaximumBodySize = options.MaximumBodySize;
            cache.AddPolicy(EdgeCachePolicy.Name, new EdgeCachePolicy(options));
        });

        return builder;
    }

    public static WebApplication UseEdgeCache(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<EdgeCacheOptions>();
        var logger = app.Services.GetRequiredService<ILogger<EdgeCachePolicy>>();
        if (!options.Enabled)
        {
            logger.LogInformation(
                "Edge cache is off because {Setting} is false, so static assets are proxied to the API replicas on every request",
                EnabledSetting);
            return app;
        }

        logger.LogInformation(
            "Edge cache is on: static assets under {PathPrefix} are cached for {Duration} in up to {SizeLimit} bytes",
            EdgeCacheMiddleware.PathPrefix,
            options.Duration,
            options.SizeLimit);
        app.UseMiddleware<EdgeCacheMiddleware>();
        app.UseOutputCache();
        return app;
    }

    /// <summary>
    /// Maps <c>POST /admin/edge-cache/purge</c>, which evicts every cached asset. It accepts only connections from a
    /// loopback address to <see cref="GatewayOptions.AdminPort"/>, and returns 404 to anything else, so the public port never
    /// exposes it. With the edge cache off it returns 409 problem details.
    /// </summary>
    public static WebApplication MapEdgeCacheAdmin(this WebApplication app)
    {
        var adminPort = app.Services.GetRequiredService<GatewayOptions>().AdminPort;
        if (adminPort == 0)
        {
            return app;
        }

        var enabled = app.Services.GetRequiredService<EdgeCacheOptions>().Enabled;
        app.MapPost(PurgePath, async (HttpContext context, IServiceProvider services, ILogger<EdgeCachePolicy> logger, CancellationToken cancellation) =>
            {
                if (context.Connection.LocalPort != adminPort || context.Connection.RemoteIpAddress is not { } client || !IPAddress.IsLoopback(client))
                {
                    return Results.NotFound();
                }

                // 409 rather than 404: the request reached the admin endpoint and is valid, but the gateway's
                // configuration has no cache to purge. A 404 would look like a wrong URL or port to the caller.
                if (!enabled)
                {
                    return Results.Problem(
                        statusCode: StatusCodes.Status409Conflict,
                        title: "Edge cache is off.",
                        detail: $"{EnabledSetting} is false, so the gateway caches no assets and there is nothing to purge.");
                }

                await services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync(EdgeCachePolicy.Tag, cancellation);
                logger.LogInformation("Purged the edge cache on request from {Client}", client);
                return Results.Ok(new { purged = EdgeCachePolicy.Tag });
            })
            .DisableRateLimiting();

        return app;
    }
}
