using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Npgsql;
using ScaleApp.Tests.Distributed.Gateway;
using ScaleApp.AppHost.Infrastructure.Processes;
using StackExchange.Redis;

namespace ScaleApp.Tests.Distributed;

/// <summary>End-to-end checks of every hop of the topology, through the gateway as a user calls it.</summary>
[Collection(TopologyCollection.Name)]
public sealed class TopologyTests(TopologyFixture topology)
{
    private readonly HttpClient _gateway = topology.Gateway;

    [Fact]
    public async Task FeedReadsThroughGateway()
    {
        using var response = await _gateway.GetAsync("/api/posts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("api-", ApiClient.ServedBy(response));
        var feed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Array, feed.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task FullStageUsesEveryPart()
    {
        Assert.True(topology.App.ResourceNotifications.TryGetCurrentState("stage", out var current), "The stage resource has no state.");
        Assert.StartsWith("Stage 8: ", current.Snapshot.State?.Text);

        foreach (var replicaName in TopologyFixture.ApiReplicaNames)
        {
            using var replica = topology.App.CreateHttpClient(replicaName, "http");
            var configured = (await replica.GetFromJsonAsync<JsonElement>("/api/diagnostics/counters")).GetProperty("configured");

            Assert.True(configured.GetProperty("readReplica").GetBoolean(), $"{replicaName} reads without the replica in the full stage.");
            Assert.True(configured.GetProperty("caching").GetBoolean(), $"{replicaName} caches nothing in the full stage.");
            Assert.True(configured.GetProperty("broker").GetBoolean(), $"{replicaName} has no broker in the full stage.");
            Assert.False(configured.GetProperty("emailInRequest").GetBoolean(), $"{replicaName} sends email inside the request in the full stage.");
        }
    }

    [Fact]
    public async Task CreatedPostIsReadable()
    {
        var author = await ApiClient.RegisterUserAsync(_gateway, "Post Author", ApiClient.UniqueEmail("author"));
        const string title = "Scaling notes \u2014 \U0001F680 \u05E9\u05DC\u05D5\u05DD";
        const string body = "Quotes \" and ', <b>markup</b>, and '; DROP TABLE posts; --";

        var created = await ApiClient.CreatePostAsync(_gateway, author.GetProperty("id").GetInt64(), title, body);
        var id = created.GetProperty("id").GetInt64();

        using var response = await _gateway.GetAsync($"/api/posts/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(title, post.GetProperty("title").GetString());
        Assert.Equal(body, post.GetProperty("body").GetString());

        var feedIds = await WaitForFeedToContainAsync(id, TimeSpan.FromSeconds(10));
        Assert.Contains(id, feedIds);
    }

    [Fact]
    public async Task InvalidPostIsRejectedWithProblemDetails()
    {
        using var response = await _gateway.PostAsJsonAsync("/api/posts", new { authorId = 1, title = "", body = "text" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("title", out _), $"No error for 'title' in: {problem}");
    }

    [Fact]
    public async Task RegistrationSendsExactlyOneEmail()
    {
        var email = ApiClient.UniqueEmail("welcome");
        var maildir = topology.Resource<MailSinkProcessResource>("mail").Maildir;

        var stopwatch = Stopwatch.StartNew();
        await ApiClient.RegisterUserAsync(_gateway, "Ada <Lovelace>", email);
        var registrationTime = stopwatch.Elapsed;

        var messages = await MaildirReader.WaitForMessagesToAsync(maildir, email, TimeSpan.FromSeconds(30));
        Assert.NotEmpty(messages);

        // Redeliveries would arrive within moments; a second look after a pause catches them.
        await Task.Delay(TimeSpan.FromSeconds(3));
        messages = MaildirReader.MessagesTo(maildir, email);
        Assert.Single(messages);

        var message = messages[0];
        Assert.NotNull(message.TextBody);
        Assert.NotNull(message.HtmlBody);
        Assert.Contains("Ada &lt;Lovelace&gt;", message.HtmlBody);
        Assert.True(registrationTime < TimeSpan.FromSeconds(5), $"Registration took {registrationTime}; it must not wait for the email.");
    }

    [Fact]
    public async Task PrimaryWriteReachesReplica()
    {
        var email = ApiClient.UniqueEmail("replicated");

        await using (var primary = new NpgsqlConnection(await topology.ConnectionStringAsync("postgres")))
        {
            await primary.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO users (name, email) VALUES ('Replicated', $1)", primary);
            insert.Parameters.AddWithValue(email);
            await insert.ExecuteNonQueryAsync();
        }

        await using var replica = new NpgsqlConnection(await topology.ConnectionStringAsync("postgres-replica"));
        await replica.OpenAsync();

        await using (var recovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", replica))
        {
            Assert.True((bool)(await recovery.ExecuteScalarAsync())!);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long found;
        do
        {
            await using var query = new NpgsqlCommand("SELECT count(*) FROM users WHERE email = $1", replica);
            query.Parameters.AddWithValue(email);
            found = (long)(await query.ExecuteScalarAsync())!;
            if (found == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
        while (found == 0 && DateTime.UtcNow < deadline);

        Assert.Equal(1, found);
    }

    [Fact]
    public async Task DatabaseTrafficGoesThroughPgBouncer()
    {
        var pgbouncer = topology.Resource<PgBouncerProcessResource>("pgbouncer");
        var primaryDb = new NpgsqlConnectionStringBuilder(await topology.ConnectionStringAsync("primary-db"));
        var replicaDb = new NpgsqlConnectionStringBuilder(await topology.ConnectionStringAsync("replica-db"));
        Assert.Equal(pgbouncer.PrimaryEndpoint.Port, primaryDb.Port);
        Assert.Equal(pgbouncer.PrimaryEndpoint.Port, replicaDb.Port);

        var before = await PgBouncerAdmin.TransactionCountsAsync(primaryDb);

        // A post id that does not exist is never cached, so every request reaches the database.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var response = await _gateway.GetAsync($"/api/posts/{long.MaxValue - attempt}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var after = await PgBouncerAdmin.TransactionCountsAsync(primaryDb);
        Assert.True(after[replicaDb.Database!] > before.GetValueOrDefault(replicaDb.Database!),
            $"PgBouncer counted no new transactions on '{replicaDb.Database}': before {before.GetValueOrDefault(replicaDb.Database!)}, after {after[replicaDb.Database!]}.");
    }

    [Fact]
    public async Task FeedIsCachedInRedisAfterRead()
    {
        using var response = await _gateway.GetAsync("/api/posts?limit=7");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await topology.ConnectionStringAsync("redis"));
        var server = redis.GetServers().Single();
        var keys = server.Keys(pattern: "scaleapp:*").Select(key => key.ToString()).ToList();

        Assert.Contains(keys, key => key.Contains("feed", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task LoadSpreadsAcrossReplicas()
    {
        const int requestCount = 300;
        var servedBy = new System.Collections.Concurrent.ConcurrentBag<string>();

        // One request at a time, so every replica has none in flight when the next one is balanced and
        // the policy's round-robin among ties decides. With concurrent requests least-requests balancing
        // sends more to whichever replica responds fastest, by design, so a replica that a failure test
        // has just restarted would move the shares by its speed, not by the balancing. The client uses
        // its own loopback address, so the gateway's per-client rate limit counts only these requests.
        using var client = GatewayClients.FromAddress(topology.App, "127.0.0.61");
        for (var index = 0; index < requestCount; index++)
        {
            using var response = await client.GetAsync("/api/posts");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            servedBy.Add(ApiClient.ServedBy(response));
        }

        var counts = servedBy.GroupBy(name => name).ToDictionary(group => group.Key, group => group.Count());
        foreach (var replica in TopologyFixture.ApiReplicaNames)
        {
            var share = counts.GetValueOrDefault(replica) * 100.0 / requestCount;
            Assert.True(share is >= 100.0 / 3 - 10 and <= 100.0 / 3 + 10,
                $"{replica} served {share:0.#}% of {requestCount} requests; expected about a third. Counts: {string.Join(", ", counts.Select(pair => $"{pair.Key}={pair.Value}"))}.");
        }
    }

    private async Task<IReadOnlyList<long>> WaitForFeedToContainAsync(long postId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var feed = await _gateway.GetFromJsonAsync<JsonElement>("/api/posts?limit=100");
            var ids = feed.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetInt64()).ToList();
            if (ids.Contains(postId) || DateTime.UtcNow > deadline)
            {
                return ids;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
