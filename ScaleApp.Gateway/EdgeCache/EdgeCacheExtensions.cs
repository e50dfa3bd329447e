using System.Net;
using Microsoft.AspNetCore.OutputCaching;
using ScaleApp.Gateway.Proxy;

namespace ScaleApp.Gateway.EdgeCache;

/// <summary>
/// Wires the edge cache: ASP.NET Core output caching in memory, attached to YARP's <c>assets</c> route through the
/// route's <c>OutputCachePolicy</c>, and a purge endpoint on the loopback admin port.
/// </summary>
internal static class EdgeCacheExtensions
{
    public const string PurgePath = "/admin/edge-cache/purge";

    public static WebApplicationBuilder AddEdgeCache(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(EdgeCacheOptions.SectionName).Get<EdgeCacheOptions>() ?? new EdgeCacheOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Invalid gateway edge cache configuration: {string.Join(" ", errors)}");
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
        app.UseMiddleware<EdgeCacheMiddleware>();
        app.UseOutputCache();
        return app;
    }

    /// <summary>
    /// Maps <c>POST /admin/edge-cache/purge</c>, which evicts every cached asset. It accepts only connections from a
    /// loopback address to <see cref="GatewayOptions.AdminPort"/>, and returns 404 to anything else, so the public port never
    /// exposes it.
    /// </summary>
    public static WebApplication MapEdgeCacheAdmin(this WebApplication app)
    {
        var adminPort = app.Services.GetRequiredService<GatewayOptions>().AdminPort;
        if (adminPort == 0)
        {
            return app;
        }

        app.MapPost(PurgePath, async (HttpContext context, IOutputCacheStore store, ILogger<EdgeCachePolicy> logger, CancellationToken cancellation) =>
            {
                if (context.Connection.LocalPort != adminPort || context.Connection.RemoteIpAddress is not { } client || !IPAddress.IsLoopback(client))
                {
                    return Results.NotFound();
                }

                await store.EvictByTagAsync(EdgeCachePolicy.Tag, cancellation);
                logger.LogInformation("Purged the edge cache on request from {Client}", client);
                return Results.Ok(new { purged = EdgeCachePolicy.Tag });
            })
            .DisableRateLimiting();

        return app;
    }
}
