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
        Assert.True(new RequestTraceSampling(0, readTracesPerSecond: 0).ShouldRecord(Request("GET", "/api/posts", activity)));
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
        var sampling = new RequestTraceSampling(0, readTracesPerSecond: 0);
        using var activity = RootActivity();

        Assert.True(sampling.ShouldRecord(Request(method, "/api/posts", activity)));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public void ReadsBeyondBudgetFollowRatio(string method)
    {
        using var activity = RootActivity();

        Assert.False(new RequestTraceSampling(0, readTracesPerSecond: 0).ShouldRecord(Request(method, "/api/posts", activity)));
        Assert.True(new RequestTraceSampling(1, readTracesPerSecond: 0).ShouldRecord(Request(method, "/api/posts", activity)));
    }

    [Fact]
    public void ReadRatioIsRoughlyKept()
    {
        var sampling = new RequestTraceSampling(0.1, readTracesPerSecond: 0);

        var recorded = Enumerable.Range(0, 20_000).Count(_ => sampling.ShouldRecordRead(ActivityTraceId.CreateRandom()));

        Assert.InRange(recorded, 1_600, 2_400);
    }

    [Fact]
    public void BudgetRecordsFirstReadsEachSecond()
    {
        var time = new SteppedTimeProvider();
        var sampling = new RequestTraceSampling(0, readTracesPerSecond: 3, time);

        Assert.Equal([true, true, true, false, false], RecordReads(sampling, 5));

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal([false, false], RecordReads(sampling, 2));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([true, true, true, false], RecordReads(sampling, 4));

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([true, true, true, false], RecordReads(sampling, 4));
    }

    [Fact]
    public void BudgetHoldsUnderConcurrentReads()
    {
        var sampling = new RequestTraceSampling(0, readTracesPerSecond: 50, new SteppedTimeProvider());
        var recorded = 0;

        Parallel.For(0, 20_000, _ =>
        {
            if (sampling.ShouldRecordRead(ActivityTraceId.CreateRandom()))
            {
                Interlocked.Increment(ref recorded);
            }
        });

        Assert.Equal(50, recorded);
    }

    [Fact]
    public void ReadsBeyondBudgetAreSampledByRatio()
    {
        var sampling = new RequestTraceSampling(0.1, readTracesPerSecond: 100, new SteppedTimeProvider());

        var recorded = RecordReads(sampling, 20_100).Count(decision => decision);

        Assert.InRange(recorded, 100 + 1_600, 100 + 2_400);
    }

    [Fact]
    public void WritesDoNotSpendTheBudget()
    {
        var sampling = new RequestTraceSampling(0, readTracesPerSecond: 1, new SteppedTimeProvider());
        using var activity = RootActivity();

        Assert.True(sampling.ShouldRecord(Request("POST", "/api/posts", activity)));
        Assert.True(sampling.ShouldRecord(Request("GET", "/api/posts", activity)));
        Assert.False(sampling.ShouldRecord(Request("GET", "/api/posts", activity)));
    }

    [Fact]
    public void MissingSettingsUseDefaults()
    {
        var sampling = RequestTraceSampling.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Equal(RequestTraceSampling.DefaultReadSampleRatio, sampling.ReadSampleRatio);
        Assert.Equal(RequestTraceSampling.DefaultReadTracesPerSecond, sampling.ReadTracesPerSecond);
    }

    [Theory]
    [InlineData("25", 25)]
    [InlineData("0", 0)]
    public void SettingSetsBudget(string value, int expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [RequestTraceSampling.ReadTracesPerSecondSetting] = value })
            .Build();

        Assert.Equal(expected, RequestTraceSampling.FromConfiguration(configuration).ReadTracesPerSecond);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("ten")]
    [InlineData("99999999999")]
    public void InvalidBudgetIsRejected(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [RequestTraceSampling.ReadTracesPerSecondSetting] = value })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => RequestTraceSampling.FromConfiguration(configuration));
        Assert.Contains(RequestTraceSampling.ReadTracesPerSecondSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    private static bool[] RecordReads(RequestTraceSampling sampling, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => sampling.ShouldRecordRead(ActivityTraceId.CreateRandom()))];

    /// <summary>A clock that moves only when the test moves it.</summary>
    private sealed class SteppedTimeProvider : TimeProvider
    {
        private long _timestamp = 1_000 * TimeSpan.TicksPerSecond;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

        public void Advance(TimeSpan time) => Interlocked.Add(ref _timestamp, time.Ticks);
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
