using System.Diagnostics.Metrics;

namespace ScaleApp.Api.Diagnostics;

/// <summary>
/// Instruments of the <c>ScaleApp.Api</c> meter. ServiceDefaults exports every meter named <c>ScaleApp.*</c>.
/// </summary>
internal sealed class ApiMetrics
{
    public const string MeterName = "ScaleApp.Api";

    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _databaseQueries;
    private readonly Counter<long> _outboxPublished;
    private readonly Counter<long> _outboxPublishFailures;

    public ApiMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);

        _cacheHits = meter.CreateCounter<long>(
            "scaleapp.cache.hits", "{lookup}", "Cache lookups answered without running the database query.");
        _cacheMisses = meter.CreateCounter<long>(
            "scaleapp.cache.misses", "{lookup}", "Cache lookups that ran the database query.");
        _databaseQueries = meter.CreateCounter<long>(
            "scaleapp.db.queries", "{query}", "Database commands sent, by operation and by target (primary or replica).");
        _outboxPublished = meter.CreateCounter<long>(
            "scaleapp.outbox.published", "{message}", "Outbox rows published to RabbitMQ and marked as published.");
        _outboxPublishFailures = meter.CreateCounter<long>(
            "scaleapp.outbox.publish_failures", "{failure}", "Relay cycles that stopped because a publish or the database failed.");
    }

    /// <summary>Counts one cache lookup; <paramref name="entry"/> is the kind of entry, such as <c>feed</c>.</summary>
    public void CacheLookup(string entry, bool hit)
    {
        var tag = new KeyValuePair<string, object?>("cache.entry", entry);
        if (hit)
        {
            _cacheHits.Add(1, tag);
        }
        else
        {
            _cacheMisses.Add(1, tag);
        }
    }

    public void DatabaseQuery(string operation, DatabaseTarget target) =>
        _databaseQueries.Add(
            1,
            new KeyValuePair<string, object?>("db.operation", operation),
            new KeyValuePair<string, object?>("db.target", target == DatabaseTarget.Primary ? "primary" : "replica"));

    public void OutboxPublished(int count) => _outboxPublished.Add(count);

    public void OutboxPublishFailed() => _outboxPublishFailures.Add(1);
}

internal enum DatabaseTarget
{
    Primary,
    Replica,
}
