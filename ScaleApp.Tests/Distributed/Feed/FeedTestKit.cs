using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace ScaleApp.Tests.Distributed.Feed;

/// <summary>Helpers of the feed tests: direct clients per API replica, their counters, and resource stop and start.</summary>
internal static class FeedTestKit
{
    public const string CountersPath = "/api/diagnostics/counters";

    /// <summary>Returns a client for one API replica's own endpoint, bypassing the gateway.</summary>
    public static HttpClient Replica(TopologyFixture topology, string name)
    {
        var client = topology.App.CreateHttpClient(name, "http");
        client.Timeout = TimeSpan.FromSeconds(30);
        return client;
    }

    /// <summary>Returns a gateway client with its own cookie container, like one browser.</summary>
    public static HttpClient CookieClient(Uri baseAddress, out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public static async Task<JsonElement> CountersAsync(HttpClient replica)
    {
        using var response = await replica.GetAsync(CountersPath);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {CountersPath} returned {(int)response.StatusCode}; is Diagnostics:ExposeCounters set?");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("counters");
    }

    /// <summary>Sums the database query counts whose operation satisfies <paramref name="operation"/>.</summary>
    public static long DatabaseQueries(JsonElement counters, Func<string, bool> operation) =>
        counters.GetProperty("databaseQueries").EnumerateArray()
            .Where(item => operation(item.GetProperty("operation").GetString()!))
            .Sum(item => item.GetProperty("count").GetInt64());

    public static long CacheLookups(JsonElement counters, string entry, string level, string result) =>
        counters.GetProperty("cacheLookups").EnumerateArray()
            .Where(item => item.GetProperty("entry").GetString() == entry
                && item.GetProperty("level").GetString() == level
                && item.GetProperty("result").GetString() == result)
            .Sum(item => item.GetProperty("count").GetInt64());

    public static async Task<long> RegisterAuthorAsync(HttpClient client, string prefix)
    {
        var user = await ApiClient.RegisterUserAsync(client, "Feed Author", ApiClient.UniqueEmail(prefix));
        return user.GetProperty("id").GetInt64();
    }

    public static async Task<JsonElement> GetPostAsync(HttpClient client, long id)
    {
        using var response = await client.GetAsync($"/api/posts/{id}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/posts/{id} returned {(int)response.StatusCode} from {ApiClient.ServedBy(response)}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits until PgBouncer, every API replica and the gateway report healthy again after a fault.</summary>
    public static async Task WaitForServicesHealthyAsync(DistributedApplication app)
    {
        string[] names = ["pgbouncer", .. TopologyFixture.ApiReplicaNames, "gateway"];
        foreach (var name in names)
        {
            await ResourceWaits.WaitForHealthyAsync(app, name, TopologyFixture.ResourceTimeout);
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it returns true or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero);
        while (!deadline.IsCancellationRequested)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        return await condition();
    }
}
