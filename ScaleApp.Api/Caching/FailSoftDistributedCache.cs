using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using ScaleApp.Api.Diagnostics;
using StackExchange.Redis;

namespace ScaleApp.Api.Caching;

/// <summary>
/// Wraps the Redis cache so that Redis errors on reads, writes and refreshes become misses and no-ops
/// with one warning per 30 seconds. HybridCache would treat them the same way, but it logs every
/// failure as an error with a stack trace, which during an outage means two log entries per request.
/// <see cref="Remove"/> and <see cref="RemoveAsync"/> still throw, because a failed removal can leave
/// stale data behind and the caller must know.
/// </summary>
internal sealed class FailSoftDistributedCache(
    IBufferDistributedCache inner,
    TimeProvider timeProvider,
    ILogger<FailSoftDistributedCache> logger) : IBufferDistributedCache
{
    private readonly LogThrottle _warnings = new(timeProvider, TimeSpan.FromSeconds(30));

    public byte[]? Get(string key)
    {
        try
        {
            return inner.Get(key);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "read", key);
            return null;
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        try
        {
            return await inner.GetAsync(key, token);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "read", key);
            return null;
        }
    }

    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        try
        {
            return inner.TryGet(key, destination);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "read", key);
            return false;
        }
    }

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        try
        {
            return await inner.TryGetAsync(key, destination, token);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure(exception, "read", key);
            return false;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
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

    private void LogFailure(Exception exception, string operation, string key)
    {
        if (_warnings.TryAcquire(out var suppressed))
        {
            logger.LogWarning(
                exception,
                "Redis cache {Operation} of key {CacheKey} failed; serving from PostgreSQL without the shared cache ({Suppressed} similar failures not logged)",
                operation,
                key,
                suppressed);
        }
    }
}
