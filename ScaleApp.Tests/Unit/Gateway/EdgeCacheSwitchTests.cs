using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ScaleApp.Gateway.EdgeCache;
using ScaleApp.Gateway.Proxy;
using Yarp.ReverseProxy.Configuration;

namespace ScaleApp.Tests.Unit.Gateway;

/// <summary>
/// Runs the gateway's proxy and edge cache registrations on a loopback port in front of a stand-in
/// replica that serves one cacheable asset and counts the requests it receives.
/// </summary>
public sealed class EdgeCacheSwitchTests
{
    private const string AssetPath = "/assets/site.css";

    [Fact]
    public async Task EdgeCacheOffForwardsEveryRequest()
    {
        await using var gateway = await TestGateway.StartAsync(edgeCacheEnabled: false);

        using var first = await gateway.Client.GetAsync(AssetPath);
        using var second = await gateway.Client.GetAsync(AssetPath);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(first.Headers.Contains(EdgeCacheMiddleware.CacheStatusHeader));
        Assert.False(second.Headers.Contains(EdgeCacheMiddleware.CacheStatusHeader));
        Assert.Equal(2, gateway.AssetRequests);
    }

    [Fact]
    public async Task EdgeCacheOnServesRepeatFromCache()
    {
        await using var gateway = await TestGateway.StartAsync(edgeCacheEnabled: true);

        using var first = await gateway.Client.GetAsync(AssetPath);
        using var second = await gateway.Client.GetAsync(AssetPath);

        Assert.Equal("MISS", Assert.Single(first.Headers.GetValues(EdgeCacheMiddleware.CacheStatusHeader)));
        Assert.Equal("HIT", Assert.Single(second.Headers.GetValues(EdgeCacheMiddleware.CacheStatusHeader)));
        Assert.Equal(1, gateway.AssetRequests);
    }

    [Fact]
    public async Task PurgeWithEdgeCacheOffIsConflict()
    {
        await using var gateway = await TestGateway.StartAsync(edgeCacheEnabled: false);

        using var response = await gateway.Client.PostAsync(EdgeCacheExtensions.PurgePath, content: null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(409, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(EdgeCacheExtensions.EnabledSetting, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeWithEdgeCacheOnEvicts()
    {
        await using var gateway = await TestGateway.StartAsync(edgeCacheEnabled: true);
        using var warm = await gateway.Client.GetAsync(AssetPath);

        using var purge = await gateway.Client.PostAsync(EdgeCacheExtensions.PurgePath, content: null);
        using var after = await gateway.Client.GetAsync(AssetPath);

        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal("MISS", Assert.Single(after.Headers.GetValues(EdgeCacheMiddleware.CacheStatusHeader)));
        Assert.Equal(2, gateway.AssetRequests);
    }

    [Fact]
    public void EnabledDefaultsToTrue()
    {
        Assert.True(new EdgeCacheOptions().Enabled);
    }

    [Fact]
    public async Task RouteFilterDropsCachePolicy()
    {
        var route = new RouteConfig
        {
            RouteId = "assets",
            ClusterId = "api",
            OutputCachePolicy = EdgeCachePolicy.Name,
            Match = new RouteMatch { Path = "/assets/{**file}" },
        };

        var filtered = await new EdgeCacheOffRouteFilter().ConfigureRouteAsync(route, cluster: null, CancellationToken.None);

        Assert.Null(filtered.OutputCachePolicy);
        Assert.Equal("api", filtered.ClusterId);
        Assert.Equal("/assets/{**file}", filtered.Match.Path);
    }

    private sealed class TestGateway : IAsyncDisposable
    {
        private readonly WebApplication _replica;
        private readonly WebApplication _gateway;
        private readonly StrongBox<int> _assetRequests;

        private TestGateway(WebApplication replica, WebApplication gateway, StrongBox<int> assetRequests, HttpClient client)
        {
            _replica = replica;
            _gateway = gateway;
            _assetRequests = assetRequests;
            Client = client;
        }

        public HttpClient Client { get; }

        /// <summary>Asset requests that reached the stand-in replica.</summary>
        public int AssetRequests => Volatile.Read(ref _assetRequests.Value);

        public static async Task<TestGateway> StartAsync(bool edgeCacheEnabled)
        {
            var assetRequests = new StrongBox<int>();
            var replica = LoopbackHosts.CreateBuilder([]);
            replica.WebHost.UseUrls("http://127.0.0.1:0");
            var replicaApp = replica.Build();
            replicaApp.MapGet(AssetPath, (HttpContext context) =>
            {
                Interlocked.Increment(ref assetRequests.Value);
                context.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Text("body { color: black; }", "text/css");
            });
            await replicaApp.StartAsync();

            // The purge endpoint accepts requests only on the admin port, so the gateway listens on that port alone.
            var adminPort = LoopbackHosts.FreeLoopbackPort();
            var gateway = LoopbackHosts.CreateBuilder(new Dictionary<string, string?>
            {
                ["Gateway:AdminPort"] = adminPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Gateway:RateLimit:Enabled"] = "false",
                ["Gateway:EdgeCache:Enabled"] = edgeCacheEnabled ? "true" : "false",
                ["ReverseProxy:Routes:assets:ClusterId"] = "api",
                ["ReverseProxy:Routes:assets:OutputCachePolicy"] = EdgeCachePolicy.Name,
                ["ReverseProxy:Routes:assets:Match:Path"] = "/assets/{**file}",
                ["ReverseProxy:Clusters:api:Destinations:api-0:Address"] = replicaApp.Urls.Single(),
            });
            gateway.WebHost.UseUrls($"http://127.0.0.1:{adminPort}");
            gateway.Services.AddServiceDiscovery();
            gateway.AddGatewayProxy();
            gateway.AddEdgeCache();

            var gatewayApp = gateway.Build();
            gatewayApp.UseEdgeCache();
            gatewayApp.MapEdgeCacheAdmin();
            gatewayApp.MapGatewayProxy();
            await gatewayApp.StartAsync();

            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
            return new TestGateway(replicaApp, gatewayApp, assetRequests, client);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
            await _replica.StopAsync();
            await _replica.DisposeAsync();
        }
    }
}
