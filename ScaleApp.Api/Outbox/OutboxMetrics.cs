using System.Diagnostics.Metrics;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Outbox;

/// <summary>
/// Backlog gauges of the outbox, on the <c>ScaleApp.Api</c> meter. The relay samples the table and
/// the gauges return the last sample at export time, so an export never runs a query.
/// </summary>
internal sealed class OutboxMetrics
{
    private long _backlog;
    private double _oldestAgeSeconds;

    public OutboxMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ApiMetrics.MeterName);

        meter.CreateObservableGauge(
            "scaleapp.outbox.backlog",
            () => Interlocked.Read(ref _backlog),
            "{message}",
            "Outbox rows not yet published, across all relays, as of the last sample.");
        meter.CreateObservableGauge(
            "scaleapp.outbox.oldest_age",
            () => Volatile.Read(ref _oldestAgeSeconds),
            "s",
            "Age of the oldest unpublished outbox row as of the last sample; 0 when there is none.");
    }

    public void BacklogSampled(long backlog, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref _backlog, backlog);
        Volatile.Write(ref _oldestAgeSeconds, oldestAge.TotalSeconds);
    }
}
