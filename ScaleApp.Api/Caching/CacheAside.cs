using System.Diagnostics;
using Microsoft.Extensions.Caching.Hybrid;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Caching;

/// <summary>
/// Cache-aside reads and writes over <see cref="HybridCache"/> that count lookups and never cache a
/// "not found" result. <see cref="FailSoftDistributedCache"/> counts the Redis reads, that is the
/// in-memory misses, so hits per level follow from the two counts (see <see cref="ApiMetrics"/>).
/// </summary>
/// <param name="cache">The two-level cache, or null when there is no Redis, in which case nothing is cached.</param>
internal sealed class CacheAside(HybridCache? cache, ApiMetrics metrics, IConfiguration configuration, ILogger<CacheAside> logger)
{
    /// <summary>Setting that turns both cache levels off, for measuring the uncached path; default true.</summary>
    public const string EnabledSetting = "Caching:Enabled";

    private readonly bool _enabled = cache is not null && configuration.GetValue(EnabledSetting, true);

    /// <summary>True when reads are cached: Redis is configured and <see cref="EnabledSetting"/> is not false.</summary>
    public bool IsEnabled => _enabled;

    /// <summary>
    /// Returns the cached value of <paramref name="key"/>, or runs <paramref name="load"/> and caches
    /// its result. A null result is returned but not stored, so a row that appears later is found at once.
    /// </summary>
    /// <param name="entry">Kind of entry for the metrics: the key's prefix before the first colon, such as <c>post</c>.</param>
    public async ValueTask<T?> GetOrLoadAsync<T>(
        string entry,
        string key,
        Func<CancellationToken, Task<T?>> load,
        HybridCacheEntryOptions options,
        CancellationToken cancellationToken)
        where T : class
    {
        metrics.CacheLookup(entry);
        if (!_enabled || cache is null)
        {
            metrics.CacheMiss(entry, ApiMetrics.MemoryLevel);
            metrics.CacheMiss(entry, ApiMetrics.RedisLevel);
            return await load(cancellationToken);
        }

        // HybridCache runs a miss on the thread pool without this execution context when the token can be canceled, so
        // the caller's span is passed along. The load's database spans then belong to the request's trace, and are
        // recorded only when the request is.
        return await cache.GetOrCreateAsync(
            key,
            (Load: load, Caller: Activity.Current),
            static async (state, context, token) =>
            {
                Activity.Current ??= state.Caller;
                var loaded = await state.Load(token);
                if (loaded is null)
                {
                    // Flags is nullable, and null | x is null, so start from None explicitly.
                    context.Flags = (context.Flags ?? HybridCacheEntryFlags.None)
                        | HybridCacheEntryFlags.DisableLocalCacheWrite
                        | HybridCacheEntryFlags.DisableDistributedCacheWrite;
                }

                return loaded;
            },
            options,
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> in both levels. A failure is logged
    /// and swallowed, because the caller has already committed the data the entry describes.
    /// </summary>
    public async Task TrySetAsync<T>(string key, T value, HybridCacheEntryOptions options, CancellationToken cancellationToken)
    {
        if (!_enabled || cache is null)
        {
            return;
        }

        try
        {
            await cache.SetAsync(key, value, options, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Could not store cache entry {CacheKey}; readers will load it from the database", key);
        }
    }

    /// <summary>
    /// Removes <paramref name="key"/> from this process's memory and from Redis. A Redis failure is
    /// logged and swallowed: other processes then keep their copies until their memory entries expire.
    /// </summary>
    public async Task TryRemoveAsync(string key, CancellationToken cancellationToken)
    {
        if (cache is null)
        {
            return;
        }

        try
        {
            await cache.RemoveAsync(key, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(
                exception,
                "Could not remove cache entry {CacheKey} from Redis; processes holding it serve it until it expires within {LocalLifetime}",
                key,
                CacheEntries.Entity.LocalCacheExpiration);
        }
    }
}
