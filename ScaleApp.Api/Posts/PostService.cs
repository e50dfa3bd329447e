using ScaleApp.Api.Caching;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Posts;

/// <summary>Post reads through the cache, and post writes that keep the cache consistent.</summary>
/// <remarks>
/// Read-your-writes: every write raises this process's feed version to the primary's WAL position
/// after the commit (<see cref="FeedVersion"/>). Reads that miss the cache use the replica only once it
/// has replayed that position and the primary otherwise, so the author's next read through the same
/// API process shows the write however far the replica lags. Other processes learn the position from
/// Redis within <see cref="FeedVersion.RefreshInterval"/>, or at once for updates and deletes through
/// <see cref="PostInvalidation"/>.
/// </remarks>
internal sealed class PostService(
    PostStore store,
    Databases databases,
    CacheAside cache,
    FeedVersion feedVersion,
    PostInvalidation invalidation,
    IConfiguration configuration,
    ILogger<PostService> logger)
{
    private readonly bool _cacheEnabled = configuration.GetValue(CacheAside.EnabledSetting, true);

    // Most reads ask for the head of the feed at the current version, so its key is built once per version.
    private FeedHeadKey? _headKey;

    /// <summary>
    /// Returns the post, or null when it does not exist. A replica that has not replayed the newest
    /// known write is skipped. A post missing on the replica is looked up on the primary too, because
    /// another process may have created it moments ago.
    /// </summary>
    /// <param name="clientPosition">WAL position of the client's own newest write (<see cref="ReadYourWrites"/>), or 0.</param>
    public async ValueTask<Post?> FindAsync(long id, ulong clientPosition, CancellationToken cancellationToken)
    {
        var (version, useCache) = await ResolveVersionAsync(clientPosition);
        if (!useCache)
        {
            return await LoadPostAsync(id, version, cancellationToken);
        }

        return await cache.GetOrLoadAsync(
            "post",
            CacheEntries.Post(id),
            async token => await LoadPostAsync(id, await feedVersion.GetAsync(), token),
            CacheEntries.Entity,
            cancellationToken);
    }

    /// <summary>
    /// Returns the chunk of the feed that a page of <paramref name="query"/> is cut from, and whether it came from the
    /// cache. A cached chunk is the same instance for every caller until it expires, so its pages may be serialized once.
    /// </summary>
    public async Task<FeedChunkRead> GetFeedAsync(FeedQuery query, ulong clientPosition, CancellationToken cancellationToken)
    {
        var (version, useCache) = await ResolveVersionAsync(clientPosition);
        var position = query.Before;
        if (!useCache)
        {
            return new FeedChunkRead((await LoadFeedAsync(position, version, cancellationToken))!, FromCache: false);
        }

        var key = position is { } before ? CacheEntries.FeedKey(FeedVersion.Format(version), FeedCursor.Encode(before)) : HeadKey(version);
        var chunk = await cache.GetOrLoadAsync(
            "feed",
            key,
            token => LoadFeedAsync(position, version, token),
            CacheEntries.Feed,
            cancellationToken);

        return new FeedChunkRead(chunk!, _cacheEnabled);
    }

    /// <summary>
    /// Returns the chunk of one author's posts for <paramref name="query"/> like <see cref="GetFeedAsync"/>, or null
    /// when no user has the id.
    /// </summary>
    public async Task<FeedChunkRead?> GetAuthorFeedAsync(long authorId, FeedQuery query, ulong clientPosition, CancellationToken cancellationToken)
    {
        var (version, useCache) = await ResolveVersionAsync(clientPosition);
        var position = query.Before;
        if (!useCache)
        {
            var uncached = await LoadAuthorFeedAsync(authorId, position, version, cancellationToken);
            return uncached is null ? null : new FeedChunkRead(uncached, FromCache: false);
        }

        var key = CacheEntries.AuthorFeedKey(authorId, FeedVersion.Format(version), position is { } before ? FeedCursor.Encode(before) : null);
        var chunk = await cache.GetOrLoadAsync(
            "author",
            key,
            token => LoadAuthorFeedAsync(authorId, position, version, token),
            CacheEntries.Feed,
            cancellationToken);

        return chunk is null ? null : new FeedChunkRead(chunk, _cacheEnabled);
    }

    private string HeadKey(ulong version)
    {
        var headKey = Volatile.Read(ref _headKey);
        if (headKey is null || headKey.Version != version)
        {
            headKey = new FeedHeadKey(version, CacheEntries.FeedKey(FeedVersion.Format(version), cursor: null));
            Volatile.Write(ref _headKey, headKey);
        }

        return headKey.Key;
    }

    private sealed record FeedHeadKey(ulong Version, string Key);

    /// <summary>
    /// Returns the version a read must reflect and whether the cache may serve it. Cache entries are
    /// keyed or evicted by this process's version, so they serve a client only when that version covers
    /// the client's own newest write. Otherwise the version is read from Redis at once, and if the
    /// writer's update has not reached Redis yet, the read skips the cache.
    /// </summary>
    private async ValueTask<(ulong Version, bool UseCache)> ResolveVersionAsync(ulong clientPosition)
    {
        var version = await feedVersion.GetAsync();
        if (clientPosition <= version)
        {
            return (version, true);
        }

        version = await feedVersion.RefreshNowAsync();
        return clientPosition <= version ? (version, true) : (clientPosition, false);
    }

    private async Task<Post?> LoadPostAsync(long id, ulong version, CancellationToken cancellationToken)
    {
        var target = await databases.ChooseReadTargetAsync(version, "post_replica_check", cancellationToken);
        if (target == DatabaseTarget.Primary)
        {
            return await store.FindAsync(id, DatabaseTarget.Primary, cancellationToken);
        }

        return await databases.ReadAsync(readTarget => store.FindAsync(id, readTarget, cancellationToken))
            ?? await store.FindAsync(id, DatabaseTarget.Primary, cancellationToken);
    }

    // A chunk must include every post up to the version, so it is read from the primary while the replica lags behind it.
    private async Task<FeedChunk?> LoadFeedAsync(FeedPosition? position, ulong version, CancellationToken cancellationToken)
    {
        var target = await databases.ChooseReadTargetAsync(version, "feed_replica_check", cancellationToken);
        var posts = target == DatabaseTarget.Primary
            ? await store.ReadFeedAsync(position, FeedQuery.MaxLimit + 1, DatabaseTarget.Primary, cancellationToken)
            : await databases.ReadAsync(readTarget => store.ReadFeedAsync(position, FeedQuery.MaxLimit + 1, readTarget, cancellationToken));
        return new FeedChunk(posts);
    }

    private async Task<FeedChunk?> LoadAuthorFeedAsync(long authorId, FeedPosition? position, ulong version, CancellationToken cancellationToken)
    {
        var target = await databases.ChooseReadTargetAsync(version, "author_replica_check", cancellationToken);
        var posts = target == DatabaseTarget.Primary
            ? await store.ReadAuthorFeedAsync(authorId, position, FeedQuery.MaxLimit + 1, DatabaseTarget.Primary, cancellationToken)
            : await databases.ReadAsync(readTarget => store.ReadAuthorFeedAsync(authorId, position, FeedQuery.MaxLimit + 1, readTarget, cancellationToken));

        // An empty first page is either an author without posts or no author at all. The primary
        // decides, because a user registered moments ago may not have reached the replica yet.
        if (posts.Count == 0 && position is null && !await store.UserExistsAsync(authorId, DatabaseTarget.Primary, cancellationToken))
        {
            return null;
        }

        return new FeedChunk(posts);
    }

    /// <summary>
    /// Stores a validated post on the primary and returns it, or null when the author does not exist,
    /// with the primary's WAL position after the write (0 when unknown) for <see cref="ReadYourWrites"/>.
    /// The cache updates after the commit are best-effort: their failures are logged, not returned.
    /// </summary>
    public async Task<(Post? Post, ulong WalPosition)> CreateAsync(long authorId, string title, string body, CancellationToken cancellationToken)
    {
        var post = await store.InsertAsync(authorId, title, body, cancellationToken);
        if (post is null)
        {
            return (null, 0);
        }

        var walPosition = await AdvanceVersionAsync(post.Id);
        _ = cache.TrySetAsync(CacheEntries.Post(post.Id), post, CacheEntries.Entity, CancellationToken.None);
        return (post, walPosition);
    }

    /// <summary>
    /// Replaces a post's title and body and evicts it from every process; the post is null when no post
    /// has the id. Returns the WAL position like <see cref="CreateAsync"/>.
    /// </summary>
    public async Task<(Post? Post, ulong WalPosition)> UpdateAsync(long id, string title, string body, CancellationToken cancellationToken)
    {
        var post = await store.UpdateAsync(id, title, body, cancellationToken);
        return post is null ? (null, 0) : (post, await AnnounceChangeAsync(id));
    }

    /// <summary>
    /// Deletes a post and evicts it from every process; false when no post has the id. Returns the WAL
    /// position like <see cref="CreateAsync"/>.
    /// </summary>
    public async Task<(bool Deleted, ulong WalPosition)> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(id, cancellationToken);
        return deleted ? (true, await AnnounceChangeAsync(id)) : (false, 0);
    }

    // The post is committed when these run, so a failure must not turn the reply into an error that
    // invites the client to repeat the write. The request token is not used for the same reason.
    private async Task<ulong> AdvanceVersionAsync(long postId)
    {
        try
        {
            var walPosition = (ulong)await databases.GetPrimaryWalPositionAsync("post_wal_position", CancellationToken.None);

            // AdvanceAsync raises this process's version before it returns, which gives the author
            // read-your-writes. The Redis update finishes in the background, so a slow Redis does not
            // hold up the reply, and it logs its own failures.
            _ = feedVersion.AdvanceAsync(walPosition);
            return walPosition;
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
        {
            logger.LogWarning(
                exception,
                "Post {PostId} was stored, but the feed version could not be advanced; the feed shows the change once its cached chunks expire within {FeedCacheLifetime}",
                postId,
                CacheEntries.Feed.Expiration);
            return 0;
        }
    }

    private async Task<ulong> AnnounceChangeAsync(long postId)
    {
        var walPosition = await AdvanceVersionAsync(postId);

        // Without a position (0) the eviction still happens; reads may then hit a lagging replica once more.
        await invalidation.PublishAsync(postId, walPosition);
        return walPosition;
    }
}
