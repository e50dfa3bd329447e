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

    public const string DestinationTag = "proxy.destination";
    public const string StatusCodeTag = "http.response.status_code";
    public const string ErrorTypeTag = "error.type";

    // The OpenTelemetry recommendation for http.server.request.duration, which ASP.NET Core also uses,
    // so this histogram lines up with the server's own.
    private static readonly double[] DurationBucketBoundaries =
        [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Histogram<double> _requestDuration;

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
