using Microsoft.Extensions.Caching.Hybrid;

namespace ScaleApp.Api.Caching;

/// <summary>Lifetimes of each kind of cache entry, in Redis (Expiration) and in process memory (LocalCacheExpiration).</summary>
internal static class CacheEntries
{
    /// <summary>
    /// Feed chunks. The in-process copy lives 2 seconds: that bounds how long this process can serve a
    /// feed that misses a post written through another API replica while Redis is unreachable.
    /// </summary>
    public static readonly HybridCacheEntryOptions Feed = new()
    {
        Expiration = TimeSpan.FromSeconds(60),
        LocalCacheExpiration = TimeSpan.FromSeconds(2),
    };

    /// <summary>Single posts and users. The API never updates or deletes them, so they live longer.</summary>
    public static readonly HybridCacheEntryOptions Entity = new()
    {
        Expiration = TimeSpan.FromMinutes(5),
        LocalCacheExpiration = TimeSpan.FromSeconds(30),
    };

    public static string Post(long id) => $"post:{id}";

    public static string User(long id) => $"user:{id}";
}
