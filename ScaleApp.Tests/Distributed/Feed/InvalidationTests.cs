using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleApp.Tests.Distributed.Feed;

/// <summary>
/// An update or delete through one API replica reaches every other replica within
/// <see cref="Bound"/>, although each had the post in its in-process cache, which lives 10 seconds.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class InvalidationTests(TopologyFixture topology)
{
    /// <summary>Documented bound: Redis pub/sub delivery plus one replica replay, on loopback.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task UpdateReachesEveryReplica()
    {
        using var writer = FeedTestKit.Replica(topology, "api-0");
        var postId = await CreateWarmPostAsync(writer, "update");

        var newTitle = $"Updated {Guid.NewGuid():N}";
        var stopwatch = Stopwatch.StartNew();
        using var updated = await writer.PutAsJsonAsync($"/api/posts/{postId}", new { title = newTitle, body = "New body." });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        foreach (var name in new[] { "api-1", "api-2" })
        {
            using var reader = FeedTestKit.Replica(topology, name);
            var seen = await FeedTestKit.EventuallyAsync(
                async () => (await FeedTestKit.GetPostAsync(reader, postId)).GetProperty("title").GetString() == newTitle,
                Bound - stopwatch.Elapsed);
            Assert.True(seen, $"{name} still served the old title of post {postId} {stopwatch.ElapsedMilliseconds} ms after the update.");

            var inFeed = await FeedTestKit.EventuallyAsync(
                async () => (await FeedTitleAsync(reader, postId)) == newTitle,
                Bound - stopwatch.Elapsed);
            Assert.True(inFeed, $"{name}'s feed still showed the old title of post {postId} {stopwatch.ElapsedMilliseconds} ms after the update.");
        }
    }

    [Fact]
    public async Task DeleteReachesEveryReplica()
    {
        using var writer = FeedTestKit.Replica(topology, "api-1");
        var postId = await CreateWarmPostAsync(writer, "delete");

        var stopwatch = Stopwatch.StartNew();
        using var deleted = await writer.DeleteAsync($"/api/posts/{postId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        foreach (var name in new[] { "api-0", "api-2" })
        {
            using var reader = FeedTestKit.Replica(topology, name);
            var gone = await FeedTestKit.EventuallyAsync(
                async () =>
                {
                    using var response = await reader.GetAsync($"/api/posts/{postId}");
                    return response.StatusCode == HttpStatusCode.NotFound;
                },
                Bound - stopwatch.Elapsed);
            Assert.True(gone, $"{name} still served deleted post {postId} {stopwatch.ElapsedMilliseconds} ms after the delete.");

            var goneFromFeed = await FeedTestKit.EventuallyAsync(
                async () => await FeedTitleAsync(reader, postId) is null,
                Bound - stopwatch.Elapsed);
            Assert.True(goneFromFeed, $"{name}'s feed still listed deleted post {postId} {stopwatch.ElapsedMilliseconds} ms after the delete.");
        }

        using var again = await writer.DeleteAsync($"/api/posts/{postId}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    /// <summary>Creates a post and reads it on every replica twice, so each has it in process memory.</summary>
    private async Task<long> CreateWarmPostAsync(HttpClient writer, string prefix)
    {
        var authorId = await FeedTestKit.RegisterAuthorAsync(writer, prefix);
        var post = await ApiClient.CreatePostAsync(writer, authorId, $"Original {Guid.NewGuid():N}", "Original body.");
        var postId = post.GetProperty("id").GetInt64();

        foreach (var name in TopologyFixture.ApiReplicaNames)
        {
            using var replica = FeedTestKit.Replica(topology, name);
            var found = await FeedTestKit.EventuallyAsync(
                async () =>
                {
                    using var response = await replica.GetAsync($"/api/posts/{postId}");
                    return response.StatusCode == HttpStatusCode.OK;
                },
                TimeSpan.FromSeconds(5));
            Assert.True(found, $"{name} did not find new post {postId}.");

            var before = await FeedTestKit.CountersAsync(replica);
            await FeedTestKit.GetPostAsync(replica, postId);
            var after = await FeedTestKit.CountersAsync(replica);
            Assert.True(
                FeedTestKit.CacheLookups(after, "post", "memory", "hit") > FeedTestKit.CacheLookups(before, "post", "memory", "hit"),
                $"{name} did not serve post {postId} from process memory, so the test would not cover in-memory invalidation.");

            // Other replicas read the new feed version from Redis within a second of the write.
            var inFeed = await FeedTestKit.EventuallyAsync(async () => await FeedTitleAsync(replica, postId) is not null, TimeSpan.FromSeconds(5));
            Assert.True(inFeed, $"{name}'s feed did not list new post {postId}.");
        }

        return postId;
    }

    private static async Task<string?> FeedTitleAsync(HttpClient client, long postId)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/api/posts?limit=100");
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            if (item.GetProperty("id").GetInt64() == postId)
            {
                return item.GetProperty("title").GetString();
            }
        }

        return null;
    }
}
