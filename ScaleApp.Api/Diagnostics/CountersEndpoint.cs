namespace ScaleApp.Api.Diagnostics;

/// <summary>
/// <c>GET /api/diagnostics/counters</c>: this process's cache lookups per level, database commands
/// per operation and target, and replica state, as counted since the process started.
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
            app.MapGet(Path, (ApiMetrics metrics, IConfiguration configuration) => TypedResults.Ok(new
            {
                instance = configuration["InstanceName"],
                counters = metrics.Snapshot(),
            }))
                .WithTags("Diagnostics")
                .WithName("GetCounters")
                .WithSummary("Returns this replica's cache and database counters since start.");
        }

        return app;
    }
}
