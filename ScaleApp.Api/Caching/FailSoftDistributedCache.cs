using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using ScaleApp.Api.Diagnostics;
using StackExchange.Redis;

namespace ScaleApp.Api.Caching;

/// <summary>
/// Wraps the Redis cache so that Redis errors on reads, writes and refreshes become misses and no-ops
/// with one warning per 30 seconds. HybridCache would treat them the same way, but it logs every
/// failure as an error with a stack trace, which during an outage means two log entries per request.
/// After a failure the wrapper skips Redis for <see cref="BreakDuration"/> (a circuit breaker), so
/// during an outage requests do not wait for Redis timeouts; the first call after the break tries
/// Redis again, and caching resumes when it succeeds.
/// <see cref="Remove"/> and <see cref="RemoveAsync"/> still throw, because a failed removal can leave
/// stale data behind and the caller must know.
/// </summary>
internal sealed class FailSoftDistributedCache(
    IBufferDistributedCache inner,
    ApiMetrics metrics,
    TimeProvider timeProvider,
    ILogger<FailSoftDistributedCache> logger) : IBufferDistributedCache
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(2);

    private readonly LogThrottle _warnings = new(timeProvider, TimeSpan.FromSeconds(30));
    private long _closedAfterTimestamp;

    /// <summary>True while Redis calls are skipped after a failure.</summary>
    public bool IsOpen => timeProvider.GetTimestamp() < Volatile.Read(ref _closedAfterTimestamp);

    public byte[]? Get(string key)
    {
        if (IsOpen)
        {
            CountUnanswered(key);
            return null;
        }

        try
        {
            return Counted(key, inner.Get(key));
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "read", key);
            CountUnanswered(key);
            return null;
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (IsOpen)
        {
            CountUnanswered(key);
            return null;
        }

        try
        {
            return Counted(key, await inner.GetAsync(key, token));
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "read", key);
            CountUnanswered(key);
            return null;
        }
    }

    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        if (IsOpen)
        {
            CountUnanswered(key);
            return false;
        }

        try
        {
            return Counted(key, inner.TryGet(key, destination));
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "read", key);
            CountUnanswered(key);
            return false;
        }
    }

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        if (IsOpen)
        {
            CountUnanswered(key);
            return false;
        }

        try
        {
            return Counted(key, await inner.TryGetAsync(key, destination, token));
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "read", key);
            CountUnanswered(key);
            return false;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (IsOpen)
        {
            return;
        }

        try
        {
            inner.Set(key, value, options);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "write", key);
        }
    }

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (IsOpen)
        {
            return;
        }

        try
        {
            await inner.SetAsync(key, value, options, token);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "write", key);
        }
    }

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        if (IsOpen)
        {
            return;
        }

        try
        {
            inner.Set(key, value, options);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "write", key);
        }
    }

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (IsOpen)
        {
            return;
        }

        try
        {
            await inner.SetAsync(key, value, options, token);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "write", key);
        }
    }

    public void Refresh(string key)
    {
        if (IsOpen)
        {
            return;
        }

        try
        {
            inner.Refresh(key);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "refresh", key);
        }
    }

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        if (IsOpen)
        {
            return;
        }

        try
        {
            await inner.RefreshAsync(key, token);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "refresh", key);
        }
    }

    public void Remove(string key) => inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

    // RedisTimeoutException derives from TimeoutException, the other client errors from RedisException.
    private static bool IsRedisFailure(Exception exception) => exception is RedisException or TimeoutException;

    private byte[]? Counted(string key, byte[]? value)
    {
        CountRead(key, value is not null);
        return value;
    }

    private bool Counted(string key, bool found)
    {
        CountRead(key, found);
        return found;
    }

    // Every Redis read follows a memory miss of the same lookup, so it counts one miss there too.
    private void CountRead(string key, bool hit)
    {
        var entry = EntryOf(key);
        metrics.CacheMiss(entry, ApiMetrics.MemoryLevel);
        if (hit)
        {
            metrics.CacheHit(entry, ApiMetrics.RedisLevel);
        }
        else
        {
            metrics.CacheMiss(entry, ApiMetrics.RedisLevel);
        }
    }

    // A skipped or failed read is a miss on both levels: the lookup goes on to the database.
    private void CountUnanswered(string key) => CountRead(key, hit: false);

    private static string EntryOf(string key)
    {
        var separator = key.IndexOf(':', StringComparison.Ordinal);
        return separator > 0 ? key[..separator] : key;
    }

    private void LogFailure(Exception exception, string operation, string key)
    {
        Volatile.Write(ref _closedAfterTimestamp, timeProvider.GetTimestamp() + (long)(BreakDuration.TotalSeconds * timeProvider.TimestampFrequency));

        if (_warnings.TryAcquire(out var suppressed))
        {
            logger.LogWarning(
                exception,
                "Redis cache {Operation} of key {CacheKey} failed; skipping Redis for {BreakDuration} at a time and serving from PostgreSQL until it responds ({Suppressed} similar failures not logged)",
                operation,
                key,
                BreakDuration,
                suppressed);
        }
    }
}
