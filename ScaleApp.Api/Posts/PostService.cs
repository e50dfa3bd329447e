using ScaleApp.Api.Caching;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Posts;

/// <summary>Post reads through the cache, and post writes that keep the cache consistent.</summary>
internal sealed class PostService(
    PostStore store,
    Databases databases,
    CacheAside cache,
    FeedVersion feedVersion,
    ILogger<PostService> logger)
{
    /// <summary>
    /// Returns the post, reading the replica first and the primary when the replica does not have the
    /// row yet, so an author can read a post right after creating it. Null when neither has it.
    /// </summary>
    public ValueTask<Post?> FindAsync(long id, CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync(
            "post",
            CacheEntries.Post(id),
            async token => await store.FindAsync(id, DatabaseTarget.Replica, token)
                ?? await store.FindAsync(id, DatabaseTarget.Primary, token),
            CacheEntries.Entity,
            cancellationToken);

    public async Task<FeedPage> GetFeedAsync(FeedQuery query, CancellationToken cancellationToken)
    {
        var version = await feedVersion.GetAsync();
        var position = query.Before;
        var key = position is { } before
            ? $"feed:{FeedVersion.Format(version)}:before:{FeedCursor.Encode(before)}"
            : $"feed:{FeedVersion.Format(version)}:head";

        var chunk = await cache.GetOrLoadAsync(
            "feed",
            key,
            async token =>
            {
                // The chunk must include every post up to this version, so read the primary while the replica lags behind it.
                var target = await databases.ChooseReadTargetAsync(version, "feed_replica_check", token);
                var posts = await store.ReadFeedAsync(position, FeedQuery.MaxLimit + 1, target, token);
                return new FeedChunk(posts);
            },
            CacheEntries.Feed,
            cancellationToken);

        var items = chunk!.Posts.Take(query.Limit).ToList();
        var nextCursor = chunk.Posts.Count > query.Limit
            ? FeedCursor.Encode(new FeedPosition(items[^1].CreatedAt, items[^1].Id))
            : null;
        return new FeedPage(items, nextCursor);
    }

    /// <summary>
    /// Stores a validated post on the primary and returns it, or null when the author does not exist.
    /// The cache updates after the commit are best-effort: their failures are logged, not returned.
    /// </summary>
    public async Task<Post?> CreateAsync(long authorId, string title, string body, CancellationToken cancellationToken)
    {
        var post = await store.InsertAsync(authorId, title, body, cancellationToken);
        if (post is null)
        {
            return null;
        }

        // The post is committed from here on, so a failure below must not turn the reply into an error
        // that invites the client to post again. The request token is not used for the same reason.
        try
        {
            var walPosition = await databases.GetPrimaryWalPositionAsync("post_wal_position", CancellationToken.None);

            // AdvanceAsync raises this process's version before it returns, which gives the author
            // read-your-writes. The Redis update and the cache entry finish in the background, so a
            // slow Redis does not hold up the reply, and both log their own failures.
            _ = feedVersion.AdvanceAsync((ulong)walPosition);
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
        {
            logger.LogWarning(
                exception,
                "Post {PostId} was stored, but the feed version could not be advanced; the feed shows it once its cached chunks expire within {FeedCacheLifetime}",
                post.Id,
                CacheEntries.Feed.Expiration);
        }

        _ = cache.TrySetAsync(CacheEntries.Post(post.Id), post, CacheEntries.Entity, CancellationToken.None);
        return post;
    }
}
