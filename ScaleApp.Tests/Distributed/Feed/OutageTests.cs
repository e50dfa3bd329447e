using System.Diagnostics;
using System.Net;
using Npgsql;

namespace ScaleApp.Tests.Distributed.Feed;

/// <summary>
/// Reads and writes keep working while Redis or the read replica is down, and caching and replica reads
/// resume by themselves afterwards. Each test restarts what it stopped and waits until it is healthy.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class OutageTests(TopologyFixture topology)
{
    private const int RequestsDuringOutage = 150;

    // Generous for a loaded 2-core machine; waiting for a Redis timeout per call would blow it quickly.
    private static readonly TimeSpan MaxRequestTime = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task RedisOutageCausesNoServerErrors()
    {
        var app = topology.App;
        var clients = TopologyFixture.ApiReplicaNames.Select(name => FeedTestKit.Replica(topology, name)).ToList();
        try
        {
            var authorId = await FeedTestKit.RegisterAuthorAsync(clients[0], "redis-outage");
            var postId = (await ApiClient.CreatePostAsync(clients[0], authorId, "Before the outage", "Cached.")).GetProperty("id").GetInt64();

            await ResourceControl.StopAsync(app, "redis");

            var failures = new List<string>();
            var slowest = TimeSpan.Zero;
            for (var index = 0; index < RequestsDuringOutage; index++)
            {
                var client = clients[index % clients.Count];
                var path = (index % 3) switch
                {
                    0 => "/api/posts?limit=20",
                    1 => $"/api/posts/{postId}",
                    _ => $"/api/users/{authorId}/posts?limit=5",
                };

                var stopwatch = Stopwatch.StartNew();
                using var response = await client.GetAsync(path);
                stopwatch.Stop();
                slowest = stopwatch.Elapsed > slowest ? stopwatch.Elapsed : slowest;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{path} on {ApiClient.ServedBy(response)}: {(int)response.StatusCode}");
                }
            }

            var created = await ApiClient.CreatePostAsync(clients[1], authorId, "During the outage", "Stored without Redis.");
            Assert.True(created.GetProperty("id").GetInt64() > postId);

            Assert.Empty(failures);
            Assert.True(slowest < MaxRequestTime, $"The slowest read during the Redis outage took {slowest.TotalMilliseconds:0} ms.");
        }
        finally
        {
            await ResourceControl.EnsureRunningAsync(app, "redis");
            await FeedTestKit.WaitForServicesHealthyAsync(app);
        }

        // Caching resumes: a feed page that api-0 loads reaches api-1 through Redis.
        var resumed = await FeedTestKit.EventuallyAsync(
            async () =>
            {
                using var loaded = await clients[0].GetAsync("/api/posts?limit=3");
                var before = await FeedTestKit.CountersAsync(clients[1]);
                using var read = await clients[1].GetAsync("/api/posts?limit=3");
                var after = await FeedTestKit.CountersAsync(clients[1]);
                return FeedTestKit.CacheLookups(after, "feed", "redis", "hit") > FeedTestKit.CacheLookups(before, "feed", "redis", "hit");
            },
            TimeSpan.FromSeconds(30));

        foreach (var client in clients)
        {
            client.Dispose();
        }

        Assert.True(resumed, "No Redis cache hit within 30 s after Redis was back.");
    }

    [Fact]
    public async Task ReplicaOutageFallsBackToPrimary()
    {
        var app = topology.App;
        using var client = FeedTestKit.Replica(topology, "api-0");
        var authorId = await FeedTestKit.RegisterAuthorAsync(client, "replica-outage");

        try
        {
            await ResourceControl.StopAsync(app, "postgres-replica");

            for (var index = 0; index < 20; index++)
            {
                // A new post per round makes the next feed read miss the cache and query the database.
                await ApiClient.CreatePostAsync(client, authorId, $"Outage {index}", "Read from the primary.");
                using var response = await client.GetAsync($"/api/posts?limit=10");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/posts returned {(int)response.StatusCode} while the replica was down.");
            }

            // "Not found" is never cached, so this user lookup reads the database: it must fall back too.
            using var missingUser = await client.GetAsync("/api/users/999999999");
            Assert.True(missingUser.StatusCode == HttpStatusCode.NotFound, $"GET /api/users/999999999 returned {(int)missingUser.StatusCode} while the replica was down.");

            var counters = await FeedTestKit.CountersAsync(client);
            var replica = counters.GetProperty("replica");
            Assert.False(replica.GetProperty("available").GetBoolean(), "api-0 still reports the stopped replica as available.");
            Assert.True(replica.GetProperty("fallbacks").GetInt64() > 0, "api-0 counted no reads that fell back to the primary.");
        }
        finally
        {
            await ResourceControl.EnsureRunningAsync(app, "postgres-replica");
            await FeedTestKit.WaitForServicesHealthyAsync(app);

            // Pooled connections to the old replica process are dead; later tests must not get them.
            NpgsqlConnection.ClearAllPools();
        }

        var back = await FeedTestKit.EventuallyAsync(
            async () =>
            {
                var counters = await FeedTestKit.CountersAsync(client);
                return counters.GetProperty("replica").GetProperty("available").GetBoolean();
            },
            TimeSpan.FromSeconds(30));
        Assert.True(back, "api-0 did not switch reads back to the replica within 30 s after it restarted.");

        var before = await FeedTestKit.CountersAsync(client);
        await ApiClient.CreatePostAsync(client, authorId, "After the outage", "Read from the replica again.");
        await Task.Delay(TimeSpan.FromSeconds(1));
        using var afterOutage = await client.GetAsync("/api/posts?limit=10");
        Assert.Equal(HttpStatusCode.OK, afterOutage.StatusCode);
        var after = await FeedTestKit.CountersAsync(client);
        var replicaReads = CountReplicaFeedReads(after) - CountReplicaFeedReads(before);
        Assert.True(replicaReads > 0, "The feed read after the outage did not go to the replica.");
    }

    private static long CountReplicaFeedReads(System.Text.Json.JsonElement counters) =>
        counters.GetProperty("databaseQueries").EnumerateArray()
            .Where(item => item.GetProperty("operation").GetString() == "feed_page" && item.GetProperty("target").GetString() == "replica")
            .Sum(item => item.GetProperty("count").GetInt64());
}
