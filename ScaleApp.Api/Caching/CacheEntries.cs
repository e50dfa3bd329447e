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

    /// <summary>
    /// Single posts and users. An update or delete of a post evicts its entry in every process at once
    /// through <see cref="PostInvalidation"/>; the 10-second in-process lifetime bounds how long a process
    /// serves an old copy when it misses that message, for example while Redis is unreachable.
    /// </summary>
    public static readonly HybridCacheEntryOptions Entity = new()
    {
        Expiration = TimeSpan.FromMinutes(5),
        LocalCacheExpiration = TimeSpan.FromSeconds(10),
    };

    public static string Post(long id) => $"post:{id}";

    /// <summary>Key of a feed chunk; the version in the key makes every write switch readers to new keys.</summary>
    public static string FeedKey(string version, string? cursor) =>
        cursor is null ? $"feed:{version}:head" : $"feed:{version}:before:{cursor}";

    /// <summary>Key of a chunk of one author's posts, versioned like <see cref="FeedKey"/>.</summary>
    public static string AuthorFeedKey(long authorId, string version, string? cursor) =>
        cursor is null ? $"author:{authorId}:{version}:head" : $"author:{authorId}:{version}:before:{cursor}";

    public static string User(long id) => $"user:{id}";
}
