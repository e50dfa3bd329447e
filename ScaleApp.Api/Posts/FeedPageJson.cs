using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ScaleApp.Api.Posts;

/// <summary>
/// UTF-8 JSON of feed pages, serialized once per cached chunk instance and page size. HybridCache returns the same
/// <see cref="FeedChunk"/> instance on every in-memory hit, and a page is a pure function of the chunk and the
/// limit, so a cache hit writes stored bytes instead of serializing the posts again.
/// </summary>
/// <remarks>
/// The bytes live exactly as long as the chunk does (<see cref="ConditionalWeakTable{TKey, TValue}"/>), so they
/// expire with the in-memory cache entry, and a new feed version gets new chunks and new bytes.
/// </remarks>
internal sealed class FeedPageJson(IOptions<JsonOptions> jsonOptions)
{
    private readonly ConditionalWeakTable<FeedChunk, byte[]?[]> _pagesByChunk = [];

    // The same options as TypedResults.Ok uses, so the bytes match what the endpoint wrote before.
    private readonly JsonTypeInfo<FeedPage> _pageType =
        (JsonTypeInfo<FeedPage>)jsonOptions.Value.SerializerOptions.GetTypeInfo(typeof(FeedPage));

    /// <summary>Returns the page's JSON, from the stored bytes when the chunk is a shared cached instance.</summary>
    public byte[] GetBytes(FeedChunkRead read, int limit)
    {
        if (!read.FromCache)
        {
            return Serialize(read.Chunk, limit);
        }

        var pages = _pagesByChunk.GetValue(read.Chunk, static _ => new byte[]?[FeedQuery.MaxLimit + 1]);

        // Two requests may serialize the same page at once. Both produce the same bytes, so either result may stay.
        return pages[limit] ??= Serialize(read.Chunk, limit);
    }

    public byte[] Serialize(FeedChunk chunk, int limit) =>
        JsonSerializer.SerializeToUtf8Bytes(FeedPage.From(chunk, limit), _pageType);
}
