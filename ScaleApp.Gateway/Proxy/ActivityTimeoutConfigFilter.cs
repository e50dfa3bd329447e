using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Applies <see cref="GatewayOptions.ActivityTimeout"/> to every cluster whose configuration sets no
/// <c>HttpRequest:ActivityTimeout</c>, so the timeout lives in one setting instead of in each cluster.
/// </summary>
internal sealed class ActivityTimeoutConfigFilter(GatewayOptions options) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.HttpRequest?.ActivityTimeout is not null)
        {
            return ValueTask.FromResult(cluster);
        }

        var httpRequest = (cluster.HttpRequest ?? ForwarderRequestConfig.Empty) with
        {
            ActivityTimeout = options.ActivityTimeout,
        };

        return ValueTask.FromResult(cluster with { HttpRequest = httpRequest });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
