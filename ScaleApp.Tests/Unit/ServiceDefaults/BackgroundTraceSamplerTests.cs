using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace ScaleApp.Tests.Unit.ServiceDefaults;

public class BackgroundTraceSamplerTests
{
    private static SamplingDecision Decide(Sampler sampler, ActivityKind kind) =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "span", kind)).Decision;

    [Theory]
    [InlineData(ActivityKind.Server)]
    [InlineData(ActivityKind.Consumer)]
    public void RequestAndMessageRootsAlwaysRecorded(ActivityKind kind)
    {
        var sampler = new BackgroundTraceSampler(new TraceBudget(0));

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, kind));
    }

    [Theory]
    [InlineData(ActivityKind.Client)]
    [InlineData(ActivityKind.Internal)]
    [InlineData(ActivityKind.Producer)]
    public void BackgroundRootsStayWithinBudget(ActivityKind kind)
    {
        var sampler = new BackgroundTraceSampler(new TraceBudget(2));

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, kind));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, kind));
        Assert.Equal(SamplingDecision.Drop, Decide(sampler, kind));
    }

    [Fact]
    public void MissingSettingUsesDefault()
    {
        var sampler = BackgroundTraceSampler.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Equal(BackgroundTraceSampler.DefaultBackgroundTracesPerSecond, sampler.BackgroundTracesPerSecond);
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("a few")]
    public void InvalidSettingIsRejected(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [BackgroundTraceSampler.BackgroundTracesPerSecondSetting] = value })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => BackgroundTraceSampler.FromConfiguration(configuration));
        Assert.Contains(BackgroundTraceSampler.BackgroundTracesPerSecondSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }
}
