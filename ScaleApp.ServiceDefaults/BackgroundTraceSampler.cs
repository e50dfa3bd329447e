using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Sampler for spans that start a trace. The server span of an incoming request and the consumer span of a message
/// that arrived without trace context are always recorded (<see cref="RequestTraceSampling"/> then decides for
/// requests). Any other span without a parent comes from background work, such as a database or Redis command, an
/// outgoing call or a publish, and is recorded within a budget of <see cref="BackgroundTracesPerSecondSetting"/>.
/// </summary>
/// <remarks>
/// Such roots are frequent under load. HybridCache, for example, loads a missed entry on the thread pool without the
/// caller's execution context when the caller's token can be canceled, so the Redis commands of the load start traces of
/// their own. Recording each of them would flood the trace store, and the CPU that stores them, with short traces.
/// </remarks>
public sealed class BackgroundTraceSampler(TraceBudget budget) : Sampler
{
    /// <summary>Maximum number of background spans per second and process that start a trace and are recorded (default <see cref="DefaultBackgroundTracesPerSecond"/>).</summary>
    public const string BackgroundTracesPerSecondSetting = "Telemetry:Tracing:BackgroundTracesPerSecond";

    public const int DefaultBackgroundTracesPerSecond = 10;

    private static readonly SamplingResult Record = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Skip = new(SamplingDecision.Drop);

    public int BackgroundTracesPerSecond => budget.PerSecond;

    /// <summary>Reads <see cref="BackgroundTracesPerSecondSetting"/>. An invalid value stops the start with a message naming it.</summary>
    public static BackgroundTraceSampler FromConfiguration(IConfiguration configuration) =>
        new(new TraceBudget(TraceBudget.ReadSetting(configuration, BackgroundTracesPerSecondSetting, DefaultBackgroundTracesPerSecond)));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind is ActivityKind.Server or ActivityKind.Consumer || budget.TryTake() ? Record : Skip;
}
