using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ScaleApp.Api.Http;
using ScaleApp.Api.Posts;

namespace ScaleApp.Tests.Unit.Api;

public class FeedPageJsonTests
{
    private static readonly DateTime Newest = new(2026, 12, 4, 19, 0, 0, DateTimeKind.Utc);

    private static FeedChunk Chunk(int count) =>
        new([.. Enumerable.Range(0, count).Select(index => new Post(1000 - index, 7, $"Title {index}", $"Body \"{index}\" <b>", Newest.AddMinutes(-index)))]);

    private static JsonOptions WebJsonOptions()
    {
        // The API's settings (HttpConventions) on top of the web defaults that TypedResults.Ok uses.
        var options = new JsonOptions();
        options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        return options;
    }

    [Theory]
    [InlineData(5, 20)]
    [InlineData(21, 20)]
    [InlineData(101, 100)]
    [InlineData(101, 1)]
    [InlineData(0, 20)]
    public void BytesMatchSerializedPage(int posts, int limit)
    {
        var options = WebJsonOptions();
        var pageJson = new FeedPageJson(Options.Create(options));
        var chunk = Chunk(posts);

        var bytes = pageJson.GetBytes(new FeedChunkRead(chunk, FromCache: true), limit);

        var expected = JsonSerializer.SerializeToUtf8Bytes(FeedPage.From(chunk, limit), options.SerializerOptions);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void PageHasItemsAndNextCursor()
    {
        var pageJson = new FeedPageJson(Options.Create(WebJsonOptions()));
        var chunk = Chunk(21);

        using var document = JsonDocument.Parse(pageJson.GetBytes(new FeedChunkRead(chunk, FromCache: true), 20));

        var items = document.RootElement.GetProperty("items");
        Assert.Equal(20, items.GetArrayLength());
        Assert.Equal(1000, items[0].GetProperty("id").GetInt64());
        Assert.Equal(7, items[0].GetProperty("authorId").GetInt64());
        Assert.Equal("Title 0", items[0].GetProperty("title").GetString());
        Assert.Equal(Newest, items[0].GetProperty("createdAt").GetDateTime().ToUniversalTime());

        var cursor = document.RootElement.GetProperty("nextCursor").GetString();
        Assert.True(FeedCursor.TryDecode(cursor, out var position), $"nextCursor '{cursor}' does not decode");
        Assert.Equal(981, position.Id);
    }

    [Fact]
    public void LastPageHasNullCursor()
    {
        var pageJson = new FeedPageJson(Options.Create(WebJsonOptions()));

        using var document = JsonDocument.Parse(pageJson.GetBytes(new FeedChunkRead(Chunk(20), FromCache: true), 20));

        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public void CachedChunkReusesBytesPerLimit()
    {
        var pageJson = new FeedPageJson(Options.Create(WebJsonOptions()));
        var read = new FeedChunkRead(Chunk(30), FromCache: true);

        var first = pageJson.GetBytes(read, 20);
        var second = pageJson.GetBytes(read, 20);
        var otherLimit = pageJson.GetBytes(read, 10);

        Assert.Same(first, second);
        Assert.NotSame(first, otherLimit);
        Assert.NotEqual(first, otherLimit);
    }

    [Fact]
    public void UncachedChunkIsSerializedEachTime()
    {
        var pageJson = new FeedPageJson(Options.Create(WebJsonOptions()));
        var read = new FeedChunkRead(Chunk(30), FromCache: false);

        var first = pageJson.GetBytes(read, 20);
        var second = pageJson.GetBytes(read, 20);

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
    }

    [Fact]
    public void NewChunkInstanceGetsOwnBytes()
    {
        var pageJson = new FeedPageJson(Options.Create(WebJsonOptions()));

        var before = pageJson.GetBytes(new FeedChunkRead(Chunk(3), FromCache: true), 20);
        var after = pageJson.GetBytes(new FeedChunkRead(Chunk(4), FromCache: true), 20);

        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task ResultWritesJsonWithLength()
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        var json = "{\"items\":[],\"nextCursor\":null}"u8.ToArray();

        await new Utf8JsonHttpResult(json).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal(json.Length, context.Response.ContentLength);
        Assert.Equal(json, body.ToArray());
    }
}
