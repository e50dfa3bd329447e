using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace ScaleApp.Tests.Distributed.Feed;

/// <summary>
/// The author of a post sees it at once by id and in the feed, through the gateway and through every
/// API replica, while the read replica applies WAL 2 seconds late (<c>recovery_min_apply_delay</c>).
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class ReadYourWritesTests(TopologyFixture topology)
{
    private const string InjectedDelay = "2s";

    [Fact]
    public async Task AuthorSeesPostDespiteReplicaLag()
    {
        // Unpooled, so no connection to this replica process outlives the test.
        var connectionString = new NpgsqlConnectionStringBuilder(await topology.ConnectionStringAsync("postgres-replica")) { Pooling = false };
        await using var replica = new NpgsqlConnection(connectionString.ConnectionString);
        await replica.OpenAsync();
        long postId = 0;

        try
        {
            await ExecuteAsync(replica, $"ALTER SYSTEM SET recovery_min_apply_delay = '{InjectedDelay}'");
            await ExecuteAsync(replica, "SELECT pg_reload_conf()");
            Assert.True(
                await FeedTestKit.EventuallyAsync(async () => await ScalarAsync<string>(replica, "SHOW recovery_min_apply_delay") == InjectedDelay, TimeSpan.FromSeconds(5)),
                "The replica did not apply recovery_min_apply_delay after pg_reload_conf().");

            // Every replica caches the feed at its current version first, so a replica that misses the
            // author's write would serve that cached page without the new post.
            foreach (var name in TopologyFixture.ApiReplicaNames)
            {
                using var direct = FeedTestKit.Replica(topology, name);
                await FeedIdsAsync(direct, cookie: null);
            }

            using var author = FeedTestKit.CookieClient(topology.Gateway.BaseAddress!, out var cookies);
            var authorId = await FeedTestKit.RegisterAuthorAsync(author, "ryw");
            var title = $"Read your writes {Guid.NewGuid():N}";

            using var created = await author.PostAsJsonAsync("/api/posts", new { authorId, title, body = "Visible to its author at once." });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            postId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            var cookieHeader = cookies.GetCookieHeader(new Uri(author.BaseAddress!, "/api/posts"));
            Assert.Contains("scaleapp-wal=", cookieHeader, StringComparison.Ordinal);

            // The same client through the gateway, which spreads the reads over the replicas.
            var byId = await FeedTestKit.GetPostAsync(author, postId);
            Assert.Equal(title, byId.GetProperty("title").GetString());
            Assert.Contains(postId, await FeedIdsAsync(author, cookie: null));

            // The same cookie on each replica's own endpoint, so every replica is covered.
            foreach (var name in TopologyFixture.ApiReplicaNames)
            {
                using var direct = FeedTestKit.Replica(topology, name);
                using var byIdRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/posts/{postId}");
                byIdRequest.Headers.Add("Cookie", cookieHeader);
                using var byIdResponse = await direct.SendAsync(byIdRequest);
                Assert.True(byIdResponse.StatusCode == HttpStatusCode.OK, $"{name} returned {(int)byIdResponse.StatusCode} for the author's new post {postId}.");
                Assert.Contains(postId, await FeedIdsAsync(direct, cookieHeader));
            }

            // Checked last: the replica still lacked the post, so the reads above did not come from it.
            var onReplica = await ScalarAsync<long>(replica, $"SELECT count(*) FROM posts WHERE id = {postId}");
            Assert.True(onReplica == 0, "The replica already had the post, so the injected lag did not cover the reads.");
        }
        finally
        {
            await ExecuteAsync(replica, "ALTER SYSTEM RESET recovery_min_apply_delay");
            await ExecuteAsync(replica, "SELECT pg_reload_conf()");
            if (postId > 0)
            {
                await FeedTestKit.EventuallyAsync(
                    async () => await ScalarAsync<long>(replica, $"SELECT count(*) FROM posts WHERE id = {postId}") == 1,
                    TimeSpan.FromSeconds(15));
            }
        }
    }

    private static async Task<List<long>> FeedIdsAsync(HttpClient client, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/posts?limit=100");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt64()).ToList();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
