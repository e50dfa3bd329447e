using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ScaleApp.Api.Diagnostics;

/// <summary>
/// Instruments of the <c>ScaleApp.Api</c> meter. ServiceDefaults exports every meter named <c>ScaleApp.*</c>.
/// The cache and database counters are also kept in process, so <see cref="CountersEndpoint"/> can
/// return them to tests and benchmarks that have no OpenTelemetry collector.
/// </summary>
internal sealed class ApiMetrics
{
    public const string MeterName = "ScaleApp.Api";

    private readonly Meter _meter;
    private readonly Counter<long> _databaseQueries;
    private Counter<long>? _replicaFallbacks;
    private int _replicaInstrumentsAdded;
    private readonly Counter<long> _outboxPublished;
    private readonly Counter<long> _outboxPublishFailures;
    private readonly ConcurrentDictionary<CounterKey, long> _totals = new();

    public ApiMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);

        _meter.CreateObservableCounter(
            "scaleapp.cache.hits", () => CacheMeasurements("hit"), "{lookup}", "Cache lookups answered by a cache level, by entry kind and level (memory or redis).");
        _meter.CreateObservableCounter(
            "scaleapp.cache.misses", () => CacheMeasurements("miss"), "{lookup}", "Cache lookups a cache level could not answer, by entry kind and level (memory or redis).");
        _databaseQueries = _meter.CreateCounter<long>(
            "scaleapp.db.queries", "{query}", "Database commands sent, by operation and by target (primary or replica).");
        _outboxPublished = _meter.CreateCounter<long>(
            "scaleapp.outbox.published", "{message}", "Outbox rows published to RabbitMQ and marked as published.");
        _outboxPublishFailures = _meter.CreateCounter<long>(
            "scaleapp.outbox.publish_failures", "{failure}", "Relay cycles that stopped because a publish or the database failed.");
    }

    /// <summary>
    /// Creates the replica's fallback counter and state gauges. <see cref="Data.ReplicaStatus"/> calls it,
    /// so a process without a read replica exports none of them. Calls after the first do nothing.
    /// </summary>
    public void AddReplicaInstruments()
    {
        if (Interlocked.Exchange(ref _replicaInstrumentsAdded, 1) == 1)
        {
            return;
        }

        _replicaFallbacks = _meter.CreateCounter<long>(
            "scaleapp.db.replica_fallbacks", "{read}", "Reads sent to the primary because the replica was unavailable.");
        _meter.CreateObservableGauge(
            "scaleapp.db.replica_available", () => ReplicaAvailable ? 1 : 0, "{state}", "1 while reads go to the replica, 0 while they fall back to the primary.");
        _meter.CreateObservableGauge(
            "scaleapp.db.replica_lag_bytes", () => ReplicaLagBytes, "By", "WAL bytes the replica has not replayed yet, sampled in the background.");
        _meter.CreateObservableGauge(
            "scaleapp.db.replica_lag", () => ReplicaLagSeconds, "s", "Age of the newest transaction the replica replayed while it is behind the primary; 0 when caught up.");
    }

    /// <summary>True once <see cref="AddReplicaInstruments"/> ran, that is when a read replica is configured.</summary>
    public bool HasReplica => Volatile.Read(ref _replicaInstrumentsAdded) == 1;

    /// <summary>Replica state as last observed by <see cref="Data.ReplicaMonitor"/> or a failed read.</summary>
    public bool ReplicaAvailable { get; set; } = true;

    public long ReplicaLagBytes { get; set; }

    public double ReplicaLagSeconds { get; set; }

    public const string MemoryLevel = "memory";
    public const string RedisLevel = "redis";

    /// <summary>Counts one cache lookup of <paramref name="entry"/>, the kind of entry such as <c>feed</c>.</summary>
    public void CacheLookup(string entry) => Increment(new CounterKey("lookup", entry, string.Empty, string.Empty));

    /// <summary>
    /// Counts a lookup that <paramref name="level"/> could not serve. Redis is read only after a
    /// memory miss, so Redis reads and skipped Redis reads are the memory misses.
    /// </summary>
    public void CacheMiss(string entry, string level) => Increment(new CounterKey("cache", entry, level, "miss"));

    public void CacheHit(string entry, string level) => Increment(new CounterKey("cache", entry, level, "hit"));

    public void DatabaseQuery(string operation, DatabaseTarget target)
    {
        var targetName = target == DatabaseTarget.Primary ? "primary" : "replica";
        _databaseQueries.Add(
            1,
            new KeyValuePair<string, object?>("db.operation", operation),
            new KeyValuePair<string, object?>("db.target", targetName));
        Increment(new CounterKey("db", operation, targetName, string.Empty));
    }

    public void ReplicaFallback()
    {
        _replicaFallbacks?.Add(1);
        Increment(new CounterKey("replica_fallback", string.Empty, string.Empty, string.Empty));
    }

    public void OutboxPublished(int count) => _outboxPublished.Add(count);

    public void OutboxPublishFailed() => _outboxPublishFailures.Add(1);

    /// <summary>
    /// Returns the in-process totals since start, for <see cref="CountersEndpoint"/>. The replica part
    /// is null when no read replica is configured.
    /// </summary>
    public CountersSnapshot Snapshot()
    {
        var cache = CacheCounts();
        var database = new List<DatabaseCount>();
        long fallbacks = 0;

        foreach (var (key, count) in _totals)
        {
            switch (key.Kind)
            {
                case "cache" or "lookup":
                    break;
                case "db":
                    database.Add(new DatabaseCount(key.First, key.Second, count));
                    break;
                default:
                    fallbacks = count;
                    break;
            }
        }

        return new CountersSnapshot(
            cache.OrderBy(item => item.Entry).ThenBy(item => item.Level).ThenBy(item => item.Result).ToList(),
            database.OrderBy(item => item.Operation).ThenBy(item => item.Target).ToList(),
            HasReplica ? new ReplicaState(ReplicaAvailable, ReplicaLagBytes, ReplicaLagSeconds, fallbacks) : null);
    }

    /// <summary>
    /// Returns hits and misses per entry and level. Memory hits are lookups minus memory misses, so a
    /// request that waited for another request's fetch of the same key counts as a memory hit.
    /// </summary>
    private List<CacheCount> CacheCounts()
    {
        var counts = new List<CacheCount>();
        var lookups = _totals.Where(pair => pair.Key.Kind == "lookup").ToDictionary(pair => pair.Key.First, pair => pair.Value);
        foreach (var (key, count) in _totals.Where(pair => pair.Key.Kind == "cache"))
        {
            counts.Add(new CacheCount(key.First, key.Second, key.Third, count));
        }

        foreach (var (entry, total) in lookups)
        {
            var memoryMisses = counts.Where(item => item.Entry == entry && item.Level == MemoryLevel && item.Result == "miss").Sum(item => item.Count);
            counts.Add(new CacheCount(entry, MemoryLevel, "hit", Math.Max(0, total - memoryMisses)));
        }

        return counts;
    }

    private IEnumerable<Measurement<long>> CacheMeasurements(string result) =>
        CacheCounts()
            .Where(item => item.Result == result)
            .Select(item => new Measurement<long>(
                item.Count,
                new KeyValuePair<string, object?>("cache.entry", item.Entry),
                new KeyValuePair<string, object?>("cache.level", item.Level)));

    private void Increment(CounterKey key) => _totals.AddOrUpdate(key, 1, static (_, count) => count + 1);

    private readonly record struct CounterKey(string Kind, string First, string Second, string Third);
}

internal sealed record CountersSnapshot(
    IReadOnlyList<CacheCount> CacheLookups,
    IReadOnlyList<DatabaseCount> DatabaseQueries,
    ReplicaState? Replica);

internal sealed record CacheCount(string Entry, string Level, string Result, long Count);

internal sealed record DatabaseCount(string Operation, string Target, long Count);

internal sealed record ReplicaState(bool Available, long LagBytes, double LagSeconds, long Fallbacks);

internal enum DatabaseTarget
{
    Primary,
    Replica,
}
