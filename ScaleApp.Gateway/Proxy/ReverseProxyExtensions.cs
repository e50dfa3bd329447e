using ScaleApp.Gateway.Telemetry;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace ScaleApp.Gateway.Proxy;

/// <summary>
/// Wires YARP as the gateway's reverse proxy in front of the API replicas.
/// </summary>
public static class ReverseProxyExtensions
{
    private const string ReverseProxySectionName = "ReverseProxy";
    private const string TransportFailureRateSectionName = "TransportFailureRate";

    /// <summary>
    /// Registers YARP with routes and clusters from the <c>ReverseProxy</c> section, destinations resolved
    /// through service discovery, the timeouts from <see cref="GatewayOptions"/> and the gateway's telemetry.
    /// </summary>
    /// <exception cref="InvalidOperationException">The <c>Gateway</c> section contains an invalid timeout.</exception>
    public static WebApplicationBuilder AddGatewayProxy(this WebApplicationBuilder builder)
    {
        var gatewaySection = builder.Configuration.GetSection(GatewayOptions.SectionName);

        // Read once at start-up because YARP applies the connect timeout when it creates each cluster's handler.
        var options = gatewaySection.Get<GatewayOptions>() ?? new GatewayOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Invalid gateway configuration: {string.Join(" ", errors)}");
        }

        builder.Services.AddSingleton(options);

        // YARP keeps a destination out for max(ReactivationPeriod, DetectionWindowSize), so the window
        // must not exceed the cluster's passive ReactivationPeriod for that period to take effect. It must
        // also be clearly shorter, because YARP 2.3 stores the history in one-second buckets stamped at
        // their end. With equal lengths the failures that took a replica out are still counted when it
        // returns, and its first successful request takes it out again. appsettings.json sets 5 s against 10 s.
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(
            gatewaySection.GetSection(TransportFailureRateSectionName));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize;

            // RequestLimitsMiddleware rejects oversized headers with problem details up to twice the setting.
            // Beyond that Kestrel stops reading and returns a bare 431, so no request buffers unbounded headers.
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize * 2;
        });

        builder.Services.AddProblemDetails();
        builder.Services.AddGatewayTelemetry();
        builder.Services.AddSingleton<ILoadBalancingPolicy, LeastRequestsRoundRobinPolicy>();

        // YARP forwards through its own SocketsHttpHandler per cluster, not through IHttpClientFactory,
        // so the resilience handler that the service defaults add to every HttpClient does not apply here.
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection(ReverseProxySectionName))
            .AddServiceDiscoveryDestinationResolver()
            .AddConfigFilter<ActivityTimeoutConfigFilter>()
            .ConfigureHttpClient((_, handler) =>
            {
                // MaxConnectionsPerServer stays unlimited (the SocketsHttpHandler default). To plain-HTTP replicas
                // the forwarder speaks HTTP/1.1, one request per connection at a time, so a cap would queue requests
                // inside the gateway. The load-balancing policy already sends each request to the replica with the
                // fewest in flight. ReverseProxy:Clusters:<id>:HttpClient:MaxConnectionsPerServer sets a cap if needed.
                handler.ConnectTimeout = options.ConnectTimeout;
            });

        return builder;
    }

    /// <summary>
    /// Maps the proxy routes with YARP's standard pipeline, wrapped in the gateway's telemetry and
    /// its problem details responses for requests that could not be forwarded, and with one retry of
    /// idempotent requests on another replica.
    /// </summary>
    public static WebApplication MapGatewayProxy(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ProxyTelemetryMiddleware>();
            proxy.UseMiddleware<ProxyErrorResponseMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseMiddleware<IdempotentRetryMiddleware>();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

        return app;
    }
}
