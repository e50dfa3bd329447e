using Yarp.ReverseProxy.Configuration;

namespace ScaleApp.Gateway.EdgeCache;

/// <summary>
/// Removes the output cache policy from every route while the edge cache is off, so YARP forwards those
/// routes uncached instead of rejecting them for naming a policy that is not registered.
/// </summary>
internal sealed class EdgeCacheOffRouteFilter : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) =>
        ValueTask.FromResult(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route.OutputCachePolicy is null ? route : route with { OutputCachePolicy = null });
}
