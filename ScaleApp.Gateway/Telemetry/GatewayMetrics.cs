using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ScaleApp.Gateway.Telemetry;

/// <summary>
/// Instruments of the <c>ScaleApp.Gateway</c> meter.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "ScaleApp.Gateway";
    public const string RequestDurationName = "scaleapp.gateway.request.duration";
    public const string RetriesName = "scaleapp.gateway.retries";
    public const string EdgeCacheRequestsName = "scaleapp.gateway.edge_cache.requests";
    public const string EdgeCacheOffloadRatioName = "scaleapp.gateway.edge_cache.offload_ratio";

    public const string DestinationTag = "proxy.destination";
    public const string StatusCodeTag = "http.response.status_code";
    public const string ErrorTypeTag = "error.type";
    public const string CacheResultTag = "cache.result";

    // The OpenTelemetry recommendation for http.server.request.duration, which ASP.NET Core also uses,
    // so this histogram lines up with the server's own.
    private static readonly double[] DurationBucketBoundaries =
        [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _edgeCacheRequests;
    private long _edgeCacheHits;
    private long _edgeCacheMisses;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requestDuration = meter.CreateHistogram(
            RequestDurationName,
            unit: "s",
            description: "Duration of requests on the proxy route, from route match to the end of the response, "
                + "by API replica and response status code. Its count is the number of requests per replica.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBucketBoundaries });
        _retries = meter.CreateCounter<long>(
            RetriesName,
            unit: "{request}",
            description: "Idempotent requests forwarded a second time after the replica in proxy.destination failed before responding.");
        _edgeCacheRequests = meter.CreateCounter<long>(
            EdgeCacheRequestsName,
            unit: "{request}",
            description: "Requests for static assets, by cache.result: hit (served from the edge cache) or miss (forwarded to a replica).");
        meter.CreateObservableGauge(
            EdgeCacheOffloadRatioName,
            ObserveOffloadRatio,
            unit: "1",
            description: "Share of static asset requests served from the edge cache since the gateway started, from 0 to 1.");
    }

    /// <summary>Edge cache hits and misses since start, for the offload ratio.</summary>
    public (long Hits, long Misses) EdgeCacheTotals => (Interlocked.Read(ref _edgeCacheHits), Interlocked.Read(ref _edgeCacheMisses));

    public void RecordRetry(string failedReplicaName) =>
        _retries.Add(1, new KeyValuePair<string, object?>(DestinationTag, failedReplicaName));

    public void RecordEdgeCacheLookup(bool hit)
    {
        Interlocked.Increment(ref hit ? ref _edgeCacheHits : ref _edgeCacheMisses);
        _edgeCacheRequests.Add(1, new KeyValuePair<string, object?>(CacheResultTag, hit ? "hit" : "miss"));
    }

    private IEnumerable<Measurement<double>> ObserveOffloadRatio()
    {
        var (hits, misses) = EdgeCacheTotals;
        var total = hits + misses;
        return total == 0 ? [] : [new Measurement<double>((double)hits / total)];
    }

    /// <summary>
    /// Records one proxied request.
    /// </summary>
    /// <param name="replicaName">The replica the request was sent to, or null when none was chosen.</param>
    /// <param name="statusCode">The status code returned to the client.</param>
    /// <param name="errorType">The YARP forwarder error or exception type, or null when forwarding succeeded.</param>
    /// <param name="duration">Time spent in the proxy pipeline.</param>
    public void RecordRequest(string? replicaName, int statusCode, string? errorType, TimeSpan duration)
    {
        var tags = new TagList { { StatusCodeTag, statusCode } };

        if (replicaName is not null)
        {
            tags.Add(DestinationTag, replicaName);
        }

        if (errorType is not null)
        {
            tags.Add(ErrorTypeTag, errorType);
        }

        _requestDuration.Record(duration.TotalSeconds, tags);
    }
}
