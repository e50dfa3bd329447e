using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace ScaleApp.Tests.Distributed.Feed;

/// <summary>
/// Stampede protection, no caching of "not found", exact round trips through PostgreSQL and Redis, and
/// PgBouncer-safe statements under concurrency.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class CacheBehaviourTests(TopologyFixture topology)
{
    private const int ConcurrentRequests = 500;

    [Fact]
    public async Task ColdFeedCostsOneQueryPerReplica()
    {
        using var replica = FeedTestKit.Replica(topology, "api-0");
        var authorId = await FeedTestKit.RegisterAuthorAsync(replica, "stampede");

        // A write through this replica raises its feed version, so every feed key it uses next is cold.
        await ApiClient.CreatePostAsync(replica, authorId, "Stampede", "Makes the feed keys cold.");
        var before = await FeedTestKit.CountersAsync(replica);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var requests = Enumerable.Range(0, ConcurrentRequests).Select(async _ =>
        {
            using var response = await replica.GetAsync("/api/posts?limit=20", timeout.Token);
            return response.StatusCode;
        }).ToList();
        var statuses = await Task.WhenAll(requests);

        var after = await FeedTestKit.CountersAsync(replica);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));

        var feedQueries = FeedTestKit.DatabaseQueries(after, operation => operation == "feed_page")
            - FeedTestKit.DatabaseQueries(before, operation => operation == "feed_page");
        Assert.True(feedQueries <= 1, $"{ConcurrentRequests} concurrent reads of one cold feed key sent {feedQueries} feed queries; expected at most 1.");
    }

    [Fact]
    public async Task MissingPostIsFoundOnceCreated()
    {
        using var replica = FeedTestKit.Replica(topology, "api-2");
        var authorId = await FeedTestKit.RegisterAuthorAsync(replica, "notfound");

        // The next identity value is predictable only while no one else creates posts, so retry a few times.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var probe = await ApiClient.CreatePostAsync(replica, authorId, "Probe", "Finds the next id.");
            var nextId = probe.GetProperty("id").GetInt64() + 1;

            for (var read = 0; read < 2; read++)
            {
                using var missing = await replica.GetAsync($"/api/posts/{nextId}");
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
                Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
            }

            var created = await ApiClient.CreatePostAsync(replica, authorId, "Appears", "Was missing a moment ago.");
            if (created.GetProperty("id").GetInt64() != nextId)
            {
                continue;
            }

            using var found = await replica.GetAsync($"/api/posts/{nextId}");
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            return;
        }

        Assert.Fail("Another writer took the predicted post id five times in a row.");
    }

    [Fact]
    public async Task PayloadRoundTripsExactly()
    {
        const string title = "Emoji 😀👍🏽🧑‍🤝‍🧑 עברית مرحبا \"double\" 'single' <script>alert(1)</script> &amp; \\ tab\tend";
        const string body = "Robert'); DROP TABLE posts;-- ' OR '1'='1 /* comment */ $1 %s {0}\r\n"
            + "Controls \u0001\u0007\u001b\u007f, bidi \u202Eoverride\u202C, zero width \u200B\uFEFF, "
            + "<img src=x onerror=alert(2)> </textarea> ]]> \u00e9 vs e\u0301, astral \U0001D11E.";

        using var writer = FeedTestKit.Replica(topology, "api-0");
        var authorId = await FeedTestKit.RegisterAuthorAsync(writer, "payload");
        var created = await ApiClient.CreatePostAsync(writer, authorId, title, body);
        var postId = created.GetProperty("id").GetInt64();
        AssertSame(created, "POST response");

        // api-1 has no copy in memory, so it reads Redis (written by api-0 after the insert) or the database.
        using var other = FeedTestKit.Replica(topology, "api-1");
        var before = await FeedTestKit.CountersAsync(other);
        AssertSame(await FeedTestKit.GetPostAsync(other, postId), "GET on api-1");
        var after = await FeedTestKit.CountersAsync(other);
        Assert.True(
            FeedTestKit.CacheLookups(after, "post", "redis", "hit") > FeedTestKit.CacheLookups(before, "post", "redis", "hit"),
            "api-1 did not read the post from Redis, so the Redis round trip was not covered.");

        AssertSame(await FeedTestKit.GetPostAsync(other, postId), "GET on api-1 from process memory");
        AssertSame(await FeedTestKit.GetPostAsync(writer, postId), "GET on api-0");

        await using var primary = new NpgsqlConnection(await topology.ConnectionStringAsync("primary-db"));
        await primary.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT title, body FROM posts WHERE id = $1", primary);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = postId });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(title, reader.GetString(0));
        Assert.Equal(body, reader.GetString(1));

        void AssertSame(JsonElement post, string source)
        {
            Assert.True(title == post.GetProperty("title").GetString(), $"The title differs in the {source}.");
            Assert.True(body == post.GetProperty("body").GetString(), $"The body differs in the {source}.");
        }
    }

    [Fact]
    public async Task ConcurrentUncachedReadsThroughPgBouncer()
    {
        // 1,000 distinct cursors are 1,000 distinct cache keys, so each read sends its own statement.
        using var replica = FeedTestKit.Replica(topology, "api-1");
        var start = DateTime.UtcNow.AddYears(-2);
        var cursors = Enumerable.Range(0, 1_000)
            .Select(index => ScaleApp.Api.Posts.FeedCursor.Encode(new ScaleApp.Api.Posts.FeedPosition(start.AddMinutes(index), long.MaxValue - index)))
            .ToList();

        var before = await FeedTestKit.CountersAsync(replica);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var concurrency = new SemaphoreSlim(200);
        var statuses = await Task.WhenAll(cursors.Select(async cursor =>
        {
            await concurrency.WaitAsync(timeout.Token);
            try
            {
                using var response = await replica.GetAsync($"/api/posts?limit=5&before={cursor}", timeout.Token);
                return response.StatusCode;
            }
            finally
            {
                concurrency.Release();
            }
        }));
        var after = await FeedTestKit.CountersAsync(replica);

        Assert.Equal(cursors.Count, statuses.Count(status => status == HttpStatusCode.OK));
        var queries = FeedTestKit.DatabaseQueries(after, operation => operation == "feed_page")
            - FeedTestKit.DatabaseQueries(before, operation => operation == "feed_page");
        Assert.True(queries >= cursors.Count, $"Only {queries} feed queries ran for {cursors.Count} distinct cursors; the test did not reach PgBouncer.");
    }
}
