using Microsoft.Extensions.Caching.Hybrid;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Caching;

/// <summary>
/// Cache-aside reads and writes over <see cref="HybridCache"/> that count hits and misses and never
/// cache a "not found" result.
/// </summary>
internal sealed class CacheAside(HybridCache cache, ApiMetrics metrics, ILogger<CacheAside> logger)
{
    /// <summary>
    /// Returns the cached value of <paramref name="key"/>, or runs <paramref name="load"/> and caches
    /// its result. A null result is returned but not stored, so a row that appears later is found at once.
    /// </summary>
    /// <param name="entry">Kind of entry for the metrics, such as <c>post</c>.</param>
    public async ValueTask<T?> GetOrLoadAsync<T>(
        string entry,
        string key,
        Func<CancellationToken, Task<T?>> load,
        HybridCacheEntryOptions options,
        CancellationToken cancellationToken)
        where T : class
    {
        var probe = new LoadProbe<T>(load);
        var value = await cache.GetOrCreateAsync(
            key,
            probe,
            static async (probe, context, token) =>
            {
                probe.Ran = true;
                var loaded = await probe.Load(token);
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

        metrics.CacheLookup(entry, hit: !probe.Ran);
        return value;
    }

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> in both levels. A failure is logged
    /// and swallowed, because the caller has already committed the data the entry describes.
    /// </summary>
    public async Task TrySetAsync<T>(string key, T value, HybridCacheEntryOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await cache.SetAsync(key, value, options, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Could not store cache entry {CacheKey}; readers will load it from the database", key);
        }
    }

    // Carries the loader into the static factory and reports whether the factory ran in this call.
    private sealed class LoadProbe<T>(Func<CancellationToken, Task<T?>> load)
    {
        public Func<CancellationToken, Task<T?>> Load { get; } = load;

        public bool Ran { get; set; }
    }
}
