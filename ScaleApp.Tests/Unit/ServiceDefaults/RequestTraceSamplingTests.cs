using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ScaleApp.Tests.Unit.ServiceDefaults;

public class RequestTraceSamplingTests
{
    private static DefaultHttpContext Request(string method, string path, Activity activity)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Features.Set<IHttpActivityFeature>(new HttpActivityFeature(activity));
        return context;
    }

    private static Activity RootActivity() => new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();

    [Fact]
    public void ReadWithSampledCallerIsRecorded()
    {
        // ASP.NET Core starts the server span from the caller's traceparent as a remote parent, like this.
        using var source = new ActivitySource($"ScaleApp.Tests.{Guid.NewGuid():N}");
        using var listener = new ActivityListener
        {
            ShouldListenTo = candidate => candidate == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var caller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var activity = source.StartActivity("request", ActivityKind.Server, caller)!;

        Assert.True(activity.HasRemoteParent);
        Assert.True(new RequestTraceSampling(0).ShouldRecord(Request("GET", "/api/posts", activity)));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public void ProbesAreNeverRecorded(string path)
    {
        var sampling = new RequestTraceSampling(1);
        using var activity = RootActivity();

        Assert.False(sampling.ShouldRecord(Request("GET", path, activity)));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public void WritesAreAlwaysRecorded(string method)
    {
        var sampling = new RequestTraceSampling(0);
        using var activity = RootActivity();

        Assert.True(sampling.ShouldRecord(Request(method, "/api/posts", activity)));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public void ReadsFollowRatio(string method)
    {
        using var activity = RootActivity();

        Assert.False(new RequestTraceSampling(0).ShouldRecord(Request(method, "/api/posts", activity)));
        Assert.True(new RequestTraceSampling(1).ShouldRecord(Request(method, "/api/posts", activity)));
    }

    [Fact]
    public void ReadRatioIsRoughlyKept()
    {
        var sampling = new RequestTraceSampling(0.1);

        var recorded = Enumerable.Range(0, 20_000).Count(_ => sampling.ShouldRecordRead(ActivityTraceId.CreateRandom()));

        Assert.InRange(recorded, 1_600, 2_400);
    }

    [Fact]
    public void MissingSettingUsesDefault()
    {
        var sampling = RequestTraceSampling.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Equal(RequestTraceSampling.DefaultReadSampleRatio, sampling.ReadSampleRatio);
    }

    [Theory]
    [InlineData("0.25", 0.25)]
    [InlineData("1", 1.0)]
    [InlineData("0", 0.0)]
    public void SettingSetsRatio(string value, double expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [RequestTraceSampling.ReadSampleRatioSetting] = value })
            .Build();

        Assert.Equal(expected, RequestTraceSampling.FromConfiguration(configuration).ReadSampleRatio);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("ten percent")]
    [InlineData("NaN")]
    public void InvalidSettingIsRejected(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [RequestTraceSampling.ReadSampleRatioSetting] = value })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => RequestTraceSampling.FromConfiguration(configuration));
        Assert.Contains(RequestTraceSampling.ReadSampleRatioSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    private sealed class HttpActivityFeature(Activity activity) : IHttpActivityFeature
    {
        public Activity Activity { get; set; } = activity;
    }
}
