using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using ScaleApp.Gateway.Telemetry;
using Yarp.ReverseProxy.Forwarder;

namespace ScaleApp.Tests.Unit.Gateway;

public sealed class ProxyTelemetryMiddlewareTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly List<(double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly MeterListener _listener = new();

    public ProxyTelemetryMiddlewareTests()
    {
        var meterFactory = _services.GetRequiredService<IMeterFactory>();

        // Only this test's factory, so parallel tests that create their own meters do not interfere.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == GatewayMetrics.RequestDurationName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _measurements.Add((value, copy));
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private ProxyTelemetryMiddleware CreateMiddleware(RequestDelegate next) =>
        new(next, new GatewayMetrics(_services.GetRequiredService<IMeterFactory>()));

    [Fact]
    public async Task ProxiedRequestIsTaggedAndMeasured()
    {
        using var activity = new Activity("request");
        var context = ProxyHttpContexts.Create();
        context.Features.Set<IHttpActivityFeature>(new FakeHttpActivityFeature(activity));
        var middleware = CreateMiddleware(ctx =>
        {
            ProxyHttpContexts.Forward(ctx, "api-1[http://127.0.0.1:5102/]", 201, ForwarderError.None);
            return Task.CompletedTask;
        });

        await middleware.InvokeAsync(context);

        Assert.Equal("api-1[http://127.0.0.1:5102/]", activity.GetTagItem(ProxyTelemetryMiddleware.DestinationIdTag));
        var (value, tags) = Assert.Single(_measurements);
        Assert.True(value >= 0);
        Assert.Equal("api-1", tags[GatewayMetrics.DestinationTag]);
        Assert.Equal(201, tags[GatewayMetrics.StatusCodeTag]);
        Assert.False(tags.ContainsKey(GatewayMetrics.ErrorTypeTag));
    }

    [Fact]
    public async Task UnrecordedSpanIsNotTagged()
    {
        using var activity = new Activity("request") { IsAllDataRequested = false };
        var context = ProxyHttpContexts.Create();
        context.Features.Set<IHttpActivityFeature>(new FakeHttpActivityFeature(activity));
        var middleware = CreateMiddleware(ctx =>
        {
            ProxyHttpContexts.Forward(ctx, "api-1[http://127.0.0.1:5102/]", 200, ForwarderError.None);
            return Task.CompletedTask;
        });

        await middleware.InvokeAsync(context);

        Assert.Null(activity.GetTagItem(ProxyTelemetryMiddleware.DestinationIdTag));
        var (_, tags) = Assert.Single(_measurements);
        Assert.Equal("api-1", tags[GatewayMetrics.DestinationTag]);
    }

    [Fact]
    public async Task RequestWithoutDestinationRecordsError()
    {
        using var activity = new Activity("request");
        var context = ProxyHttpContexts.Create();
        context.Features.Set<IHttpActivityFeature>(new FakeHttpActivityFeature(activity));
        var middleware = CreateMiddleware(ctx =>
        {
            ProxyHttpContexts.Forward(ctx, destinationId: null, 503, ForwarderError.NoAvailableDestinations);
            return Task.CompletedTask;
        });

        await middleware.InvokeAsync(context);

        Assert.Null(activity.GetTagItem(ProxyTelemetryMiddleware.DestinationIdTag));
        var (_, tags) = Assert.Single(_measurements);
        Assert.False(tags.ContainsKey(GatewayMetrics.DestinationTag));
        Assert.Equal(503, tags[GatewayMetrics.StatusCodeTag]);
        Assert.Equal(nameof(ForwarderError.NoAvailableDestinations), tags[GatewayMetrics.ErrorTypeTag]);
    }

    [Fact]
    public async Task ExceptionIsRecordedAndRethrown()
    {
        var context = ProxyHttpContexts.Create();
        var middleware = CreateMiddleware(ctx =>
        {
            ProxyHttpContexts.Forward(ctx, "api-0[http://127.0.0.1:5101/]", 200, ForwarderError.None);
            throw new InvalidOperationException("Simulated proxy failure.");
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(context));

        var (_, tags) = Assert.Single(_measurements);
        Assert.Equal("api-0", tags[GatewayMetrics.DestinationTag]);
        Assert.Equal(500, tags[GatewayMetrics.StatusCodeTag]);
        Assert.Equal(typeof(InvalidOperationException).FullName, tags[GatewayMetrics.ErrorTypeTag]);
    }
}
