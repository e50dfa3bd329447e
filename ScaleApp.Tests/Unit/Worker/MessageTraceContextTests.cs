using System.Diagnostics;
using System.Text;
using ScaleApp.Worker.Messaging;

namespace ScaleApp.Tests.Unit.Worker;

public class MessageTraceContextTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanId = "00f067aa0ba902b7";
    private const string TraceParent = $"00-{TraceId}-{SpanId}-01";

    [Fact]
    public void ExtractReadsUtf8ByteHeaders()
    {
        var headers = new Dictionary<string, object?>
        {
            ["traceparent"] = Encoding.UTF8.GetBytes(TraceParent),
            ["tracestate"] = Encoding.UTF8.GetBytes("vendor=value"),
        };

        var context = MessageTraceContext.Extract(headers);

        Assert.Equal(TraceId, context.TraceId.ToHexString());
        Assert.Equal(SpanId, context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.Equal("vendor=value", context.TraceState);
        Assert.True(context.IsRemote);
    }

    [Fact]
    public void ExtractReadsStringHeaders()
    {
        var headers = new Dictionary<string, object?> { ["traceparent"] = TraceParent };

        var context = MessageTraceContext.Extract(headers);

        Assert.Equal(TraceId, context.TraceId.ToHexString());
    }

    [Fact]
    public void ExtractReturnsDefaultWithoutTraceHeaders()
    {
        Assert.Equal(default, MessageTraceContext.Extract(null));
        Assert.Equal(default, MessageTraceContext.Extract(new Dictionary<string, object?>()));
        Assert.Equal(default, MessageTraceContext.Extract(new Dictionary<string, object?> { ["other"] = "x"u8.ToArray() }));
    }

    [Fact]
    public void ExtractReturnsDefaultForMalformedTraceParent()
    {
        var headers = new Dictionary<string, object?> { ["traceparent"] = "00-not-a-trace-01"u8.ToArray() };

        Assert.Equal(default, MessageTraceContext.Extract(headers));
    }

    [Fact]
    public void ChooseParentUsesHeadersWithoutCurrentActivity()
    {
        var fromHeaders = ActivityContext.Parse(TraceParent, null);

        Assert.Equal(fromHeaders, MessageTraceContext.ChooseParent(null, fromHeaders));
    }

    [Fact]
    public void ChooseParentPrefersCurrentActivityOfSameTrace()
    {
        using var deliver = new Activity("deliver").SetParentId(TraceParent).Start();
        var fromHeaders = ActivityContext.Parse(TraceParent, null);

        Assert.Equal(deliver.Context, MessageTraceContext.ChooseParent(deliver, fromHeaders));
    }

    [Fact]
    public void ChooseParentIgnoresOtherTrace()
    {
        using var unrelated = new Activity("unrelated").Start();
        var fromHeaders = ActivityContext.Parse(TraceParent, null);

        Assert.NotEqual(TraceId, unrelated.TraceId.ToHexString());
        Assert.Equal(fromHeaders, MessageTraceContext.ChooseParent(unrelated, fromHeaders));
    }

    [Fact]
    public void ChooseParentUsesCurrentWithoutHeaders()
    {
        using var deliver = new Activity("deliver").Start();

        Assert.Equal(deliver.Context, MessageTraceContext.ChooseParent(deliver, default));
    }
}
