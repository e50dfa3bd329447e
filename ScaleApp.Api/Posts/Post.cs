using System.ComponentModel;

namespace ScaleApp.Api.Posts;

/// <summary>A stored post. Immutable, so HybridCache may hand the same instance to every caller.</summary>
[ImmutableObject(true)]
internal sealed record Post(long Id, long AuthorId, string Title, string Body, DateTime CreatedAt);

/// <summary>
/// Posts in feed order (newest first) starting at the head of the feed or after a cursor. A chunk
/// contains one post more than the largest page, so every page size can tell whether a next page exists.
/// </summary>
[ImmutableObject(true)]
internal sealed record FeedChunk(IReadOnlyList<Post> Posts);

/// <summary>A feed chunk as read by <see cref="PostService"/>, and whether it is the cached instance that other reads share.</summary>
internal readonly record struct FeedChunkRead(FeedChunk Chunk, bool FromCache);

/// <summary>One page of <c>GET /api/posts</c>; <see cref="NextCursor"/> is null on the last page.</summary>
internal sealed record FeedPage(IReadOnlyList<Post> Items, string? NextCursor)
{
    /// <summary>Cuts the first <paramref name="limit"/> posts of a chunk, with the cursor of the next page when the chunk has more.</summary>
    public static FeedPage From(FeedChunk chunk, int limit)
    {
        var items = chunk.Posts.Take(limit).ToList();
        var nextCursor = chunk.Posts.Count > limit
            ? FeedCursor.Encode(new FeedPosition(items[^1].CreatedAt, items[^1].Id))
            : null;
        return new FeedPage(items, nextCursor);
    }
}

/// <summary>
/// Body of <c>POST /api/posts</c>. Members are nullable so that a missing field is reported by
/// <see cref="PostRules"/> with the field's name instead of failing JSON binding.
/// </summary>
internal sealed record CreatePostRequest(long? AuthorId, string? Title, string? Body);

/// <summary>Body of <c>PUT /api/posts/{id}</c>: the new title and body. Nullable for the same reason as <see cref="CreatePostRequest"/>.</summary>
internal sealed record UpdatePostRequest(string? Title, string? Body);
