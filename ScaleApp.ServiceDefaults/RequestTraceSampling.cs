using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Decides which incoming HTTP requests get a recorded server span. Health probes get none. A request that
/// continues a sampled trace from its caller is always recorded, because the caller has already decided to keep
/// the trace. A request that starts a trace is recorded always when it may change data (POST, PUT, PATCH, DELETE), and at
/// <see cref="ReadSampleRatioSetting"/> when it is a read (GET, HEAD, OPTIONS), because reads such as the feed
/// are the high-rate requests and every recorded span costs CPU and an export.
/// </summary>
/// <remarks>
/// The read decision depends only on the trace id, like OpenTelemetry's <see cref="TraceIdRatioBasedSampler"/>.
/// A request that is not recorded sends <c>traceparent</c> with the sampled flag off, so the services it calls
/// skip it too under the parent-based sampler. Metrics still count every request.
/// </remarks>
public sealed class RequestTraceSampling
{
    /// <summary>Share of reads that start a trace and are recorded, from 0 to 1 (default <see cref="DefaultReadSampleRatio"/>).</summary>
    public const string ReadSampleRatioSetting = "Telemetry:Tracing:ReadSampleRatio";

    public const double DefaultReadSampleRatio = 0.1;

    private readonly TraceIdRatioBasedSampler _readSampler;

    public RequestTraceSampling(double readSampleRatio)
    {
        if (double.IsNaN(readSampleRatio) || readSampleRatio is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(readSampleRatio),
                readSampleRatio,
                $"{ReadSampleRatioSetting} must be a number from 0 to 1, such as 0.1 for one read in ten.");
        }

        ReadSampleRatio = readSampleRatio;
        _readSampler = new TraceIdRatioBasedSampler(readSampleRatio);
    }

    public double ReadSampleRatio { get; }

    /// <summary>Reads <see cref="ReadSampleRatioSetting"/>. An invalid value stops the start with a message naming the setting.</summary>
    public static RequestTraceSampling FromConfiguration(IConfiguration configuration)
    {
        var text = configuration[ReadSampleRatioSetting];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new RequestTraceSampling(DefaultReadSampleRatio);
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) || double.IsNaN(ratio) || ratio is < 0 or > 1)
        {
            throw new InvalidOperationException(
                $"{ReadSampleRatioSetting} is '{text}' but must be a number from 0 to 1, such as 0.1 for one read in ten.");
        }

        return new RequestTraceSampling(ratio);
    }

    /// <summary>
    /// Returns whether the server span of <paramref name="context"/> is recorded. It runs as the ASP.NET Core
    /// instrumentation's filter, which OpenTelemetry calls only for spans that the parent-based sampler recorded.
    /// </summary>
    public bool ShouldRecord(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(Extensions.HealthEndpointPath) || path.StartsWithSegments(Extensions.AlivenessEndpointPath))
        {
            return false;
        }

        var activity = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpActivityFeature>()?.Activity ?? Activity.Current;
        if (activity is null || activity.HasRemoteParent || !IsRead(context.Request.Method))
        {
            return true;
        }

        return ShouldRecordRead(activity.TraceId);
    }

    /// <summary>Returns the ratio sampler's decision for a read that starts the trace with this id.</summary>
    public bool ShouldRecordRead(ActivityTraceId traceId) =>
        _readSampler.ShouldSample(new SamplingParameters(default, traceId, string.Empty, ActivityKind.Server)).Decision
            == SamplingDecision.RecordAndSample;

    private static bool IsRead(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
