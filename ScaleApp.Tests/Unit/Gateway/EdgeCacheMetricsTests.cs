using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ScaleApp.Gateway.Telemetry;

namespace ScaleApp.Tests.Unit.Gateway;

public sealed class EdgeCacheMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<double> _ratios = [];
    private readonly Dictionary<string, long> _lookups = [];

    public EdgeCacheMetricsTests()
    {
        var meterFactory = _services.GetRequiredService<IMeterFactory>();

        // Only this test's factory, so parallel tests that create their own meters do not interfere.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory
                && instrument.Name is GatewayMetrics.EdgeCacheOffloadRatioName or GatewayMetrics.EdgeCacheRequestsName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _ratios.Add(value));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == GatewayMetrics.CacheResultTag)
                {
                    var result = (string)tag.Value!;
                    _lookups[result] = _lookups.GetValueOrDefault(result) + value;
                }
            }
        });
        _listener.Start();
    }

    [Fact]
    public void OffloadRatioIsShareOfHits()
    {
        var metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());

        metrics.RecordEdgeCacheLookup(hit: true);
        metrics.RecordEdgeCacheLookup(hit: true);
        metrics.RecordEdgeCacheLookup(hit: true);
        metrics.RecordEdgeCacheLookup(hit: false);
        _listener.RecordObservableInstruments();

        Assert.Equal(0.75, Assert.Single(_ratios));
        Assert.Equal(3, _lookups["hit"]);
        Assert.Equal(1, _lookups["miss"]);
    }

    [Fact]
    public void NoLookupsReportNoRatio()
    {
        _ = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>());

        _listener.RecordObservableInstruments();

        Assert.Empty(_ratios);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
