using ScaleApp.Api.Caching;
using ScaleApp.Api.Data;
using ScaleApp.Api.Hosting;
using ScaleApp.Api.Users;

namespace ScaleApp.Api.Diagnostics;

/// <summary>
/// <c>GET /api/diagnostics/counters</c>: which optional parts this process uses (read replica, cache,
/// broker, in-request email), and its cache lookups per level, database commands per operation and
/// target, and replica state (null without a replica), as counted since the process started.
/// </summary>
/// <remarks>
/// The same numbers go out over OTLP as metrics, but tests and the benchmark run without a collector
/// and need the count of one replica at one moment. The endpoint is mapped only when
/// <c>Diagnostics:ExposeCounters</c> is true (default: true in Development only), because the
/// numbers describe internal traffic that a public deployment should not publish.
/// </remarks>
internal static class CountersEndpoint
{
    public const string Path = "/api/diagnostics/counters";
    public const string EnabledSetting = "Diagnostics:ExposeCounters";

    public static WebApplication MapDiagnosticsCounters(this WebApplication app)
    {
        if (app.Configuration.GetValue(EnabledSetting, app.Environment.IsDevelopment()))
        {
            app.MapGet(Path, (ApiMetrics metrics, Databases databases, CacheAside cache, RegistrationOptions registration, IConfiguration configuration) => TypedResults.Ok(new
            {
                instance = configuration["InstanceName"],
                configured = new
                {
                    readReplica = databases.HasReplica,
                    caching = cache.IsEnabled,
                    broker = OptionalResources.IsConfigured(configuration, OptionalResources.RabbitMQName),
                    emailInRequest = registration.SendEmailInRequest,
                },
                counters = metrics.Snapshot(),
            }))
                .WithTags("Diagnostics")
                .WithName("GetCounters")
                .WithSummary("Returns this replica's configured parts and its cache and database counters since start.");
        }

        return app;
    }
}
