using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Decides which incoming HTTP requests get a recorded server span. Health probes get none. A request that
/// continues a sampled trace from its caller is always recorded, because the caller has already decided to keep
/// the trace. A request that starts a trace is recorded always when it may change data (POST, PUT, PATCH, DELETE).
/// A read (GET, HEAD, OPTIONS) that starts a trace is recorded while the process has recorded fewer than
/// <see cref="ReadTracesPerSecondSetting"/> of them in the current second, and beyond that at
/// <see cref="ReadSampleRatioSetting"/>.
/// </summary>
/// <remarks>
/// <para>
/// Reads such as the feed are the high-rate requests, and every recorded span costs CPU twice: in the service that
/// exports it and in the collector that stores it. In one measurement the Aspire dashboard ran on the same machine
/// and one feed read in ten was recorded. The dashboard then spent about 15 µs of CPU per feed read, over half of
/// the 21 to 28 µs the API spent serving the read from its cache. A budget per second keeps that cost flat under load. A
/// developer clicking through the product stays far below the budget and gets a trace for every request.
/// </para>
/// <para>
/// A request that is not recorded sends <c>traceparent</c> with the sampled flag off, so the services it calls
/// skip it too under the parent-based sampler. The ratio decision depends only on the trace id, like
/// OpenTelemetry's <see cref="TraceIdRatioBasedSampler"/>. Metrics still count every request.
/// </para>
/// </remarks>
public sealed class RequestTraceSampling
{
    /// <summary>Maximum number of reads per second and process that start a trace and are recorded, 0 or more (default <see cref="DefaultReadTracesPerSecond"/>).</summary>
    public const string ReadTracesPerSecondSetting = "Telemetry:Tracing:ReadTracesPerSecond";

    /// <summary>Share of the reads beyond <see cref="ReadTracesPerSecondSetting"/> that is still recorded, from 0 to 1 (default 0).</summary>
    public const string ReadSampleRatioSetting = "Telemetry:Tracing:ReadSampleRatio";

    public const int DefaultReadTracesPerSecond = 10;

    public const double DefaultReadSampleRatio = 0;

    private const string RatioRule = "must be a number from 0 to 1, such as 0.1 for one read in ten";

    private readonly TraceIdRatioBasedSampler _readSampler;
    private readonly TraceBudget _readBudget;

    public RequestTraceSampling(double readSampleRatio, int readTracesPerSecond = DefaultReadTracesPerSecond, TimeProvider? timeProvider = null)
    {
        if (double.IsNaN(readSampleRatio) || readSampleRatio is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(readSampleRatio), readSampleRatio, RatioRule);
        }

        ReadSampleRatio = readSampleRatio;
        _readSampler = new TraceIdRatioBasedSampler(readSampleRatio);
        _readBudget = new TraceBudget(readTracesPerSecond, timeProvider);
    }

    public double ReadSampleRatio { get; }

    public int ReadTracesPerSecond => _readBudget.PerSecond;

    /// <summary>
    /// Reads <see cref="ReadTracesPerSecondSetting"/> and <see cref="ReadSampleRatioSetting"/>. An invalid value stops
    /// the start with a message naming the setting, the value and what it accepts.
    /// </summary>
    public static RequestTraceSampling FromConfiguration(IConfiguration configuration)
    {
        var ratio = DefaultReadSampleRatio;
        var ratioText = configuration[ReadSampleRatioSetting];
        if (!string.IsNullOrWhiteSpace(ratioText)
            && (!double.TryParse(ratioText, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) || double.IsNaN(ratio) || ratio is < 0 or > 1))
        {
            throw new InvalidOperationException($"{ReadSampleRatioSetting} is '{ratioText}' but {RatioRule}.");
        }

        var perSecond = TraceBudget.ReadSetting(configuration, ReadTracesPerSecondSetting, DefaultReadTracesPerSecond);
        return new RequestTraceSampling(ratio, perSecond);
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

    /// <summary>Returns whether a read that starts the trace with this id is recorded: within this second's budget, or by the ratio.</summary>
    public bool ShouldRecordRead(ActivityTraceId traceId) =>
        _readBudget.TryTake()
        || (ReadSampleRatio > 0
            && _readSampler.ShouldSample(new SamplingParameters(default, traceId, string.Empty, ActivityKind.Server)).Decision
                == SamplingDecision.RecordAndSample);

    private static bool IsRead(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
