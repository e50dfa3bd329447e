using ScaleApp.Gateway.Proxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ScaleApp.Tests.Unit.Gateway;

public class ActivityTimeoutConfigFilterTests
{
    private static readonly GatewayOptions Options = new() { ActivityTimeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task ClusterWithoutHttpRequestGetsTimeout()
    {
        var filter = new ActivityTimeoutConfigFilter(Options);

        var cluster = await filter.ConfigureClusterAsync(new ClusterConfig { ClusterId = "api" }, CancellationToken.None);

        Assert.NotNull(cluster.HttpRequest);
        Assert.Equal(TimeSpan.FromSeconds(30), cluster.HttpRequest.ActivityTimeout);
    }

    [Fact]
    public async Task OtherRequestSettingsArePreserved()
    {
        var filter = new ActivityTimeoutConfigFilter(Options);
        var configured = new ClusterConfig
        {
            ClusterId = "api",
            HttpRequest = new ForwarderRequestConfig { Version = new Version(1, 1), AllowResponseBuffering = true },
        };

        var cluster = await filter.ConfigureClusterAsync(configured, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(30), cluster.HttpRequest!.ActivityTimeout);
        Assert.Equal(new Version(1, 1), cluster.HttpRequest.Version);
        Assert.True(cluster.HttpRequest.AllowResponseBuffering);
    }

    [Fact]
    public async Task ClusterTimeoutOverridesOption()
    {
        var filter = new ActivityTimeoutConfigFilter(Options);
        var configured = new ClusterConfig
        {
            ClusterId = "api",
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(90) },
        };

        var cluster = await filter.ConfigureClusterAsync(configured, CancellationToken.None);

        Assert.Same(configured, cluster);
        Assert.Equal(TimeSpan.FromSeconds(90), cluster.HttpRequest!.ActivityTimeout);
    }

    [Fact]
    public async Task RoutesAreUnchanged()
    {
        var filter = new ActivityTimeoutConfigFilter(Options);
        var route = new RouteConfig { RouteId = "api", ClusterId = "api", Match = new RouteMatch { Path = "/api/{**catch-all}" } };

        var result = await filter.ConfigureRouteAsync(route, cluster: null, CancellationToken.None);

        Assert.Same(route, result);
    }
}
