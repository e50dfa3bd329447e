using OpenTelemetry.Instrumentation.Http;

namespace ScaleApp.Gateway.Telemetry;

internal static class GatewayTelemetryExtensions
{
    /// <summary>
    /// Registers the gateway's metrics and keeps YARP's active health probes out of the traces.
    /// </summary>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<GatewayMetrics>();

        // Each replica is probed every few seconds, and every probe would otherwise become its own trace.
        // Forwarded requests always start with /api, so only probes have this path.
        services.Configure<HttpClientTraceInstrumentationOptions>(options =>
            options.FilterHttpRequestMessage = request =>
                request.RequestUri?.AbsolutePath != Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath);

        return services;
    }
}
