using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using ScaleApp.AppHost.Infrastructure.Processes;

namespace ScaleApp.Tests.Distributed.Stages;

/// <summary>
/// Stage 0 end to end: one API process straight to PostgreSQL, with no pooler, cache, replica or
/// broker, and the welcome email sent inside the registration request.
/// </summary>
[Collection(OneServerStageCollection.Name)]
public sealed class OneServerStageTests(OneServerStageFixture stage)
{
    private const string CountersPath = "/api/diagnostics/counters";

    [Fact]
    public void StageRunsOnlyItsServers()
    {
        var names = stage.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Select(resource => resource.Name)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var absent in new[] { "pgbouncer", "postgres-replica", "redis", "rabbitmq", "worker", "gateway", "api-1" })
        {
            Assert.DoesNotContain(absent, names);
        }

        Assert.True(stage.App.ResourceNotifications.TryGetCurrentState("stage", out var current), "The stage resource has no state.");
        Assert.StartsWith("Stage 0: ", current.Snapshot.State?.Text);
    }

    [Fact]
    public async Task ApiConnectsStraightToPostgres()
    {
        var connectionString = await stage.App.GetConnectionStringAsync("primary-db");
        var postgres = stage.Resource<PostgresProcessResource>("postgres");
        var port = postgres.PrimaryEndpoint.Port;

        Assert.NotNull(connectionString);
        Assert.Contains($"Port={port};", connectionString);
        Assert.DoesNotContain("No Reset On Close", connectionString);
    }

    [Fact]
    public async Task ApiReportsNoCacheReplicaOrBroker()
    {
        using var response = await stage.Api.GetAsync(CountersPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var configured = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("configured");

        Assert.False(configured.GetProperty("readReplica").GetBoolean());
        Assert.False(configured.GetProperty("caching").GetBoolean());
        Assert.False(configured.GetProperty("broker").GetBoolean());
        Assert.True(configured.GetProperty("emailInRequest").GetBoolean());
    }

    [Fact]
    public async Task FeedReadsHitDatabaseEveryTime()
    {
        var before = await PrimaryFeedQueriesAsync();

        for (var i = 0; i < 5; i++)
        {
            using var response = await stage.Api.GetAsync("/api/posts");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("api-0", ApiClient.ServedBy(response));
        }

        // Without Redis nothing is cached, so each of the five reads queries the primary.
        var after = await PrimaryFeedQueriesAsync();
        Assert.True(after - before >= 5, $"Five feed reads ran {after - before} feed queries on the primary; expected at least 5 without a cache.");
    }

    [Fact]
    public async Task CreatedPostLeadsFeedAtOnce()
    {
        var author = await ApiClient.RegisterUserAsync(stage.Api, "Stage Zero", ApiClient.UniqueEmail("stage0-author"));
        var title = $"stage 0 {Guid.NewGuid():N} «ünï» 🚀 <b>&</b>";
        var created = await ApiClient.CreatePostAsync(stage.Api, author.GetProperty("id").GetInt64(), title, "body ' OR 1=1 --");

        var feed = await stage.Api.GetFromJsonAsync<JsonElement>("/api/posts?limit=5");
        var first = feed.GetProperty("items")[0];

        Assert.Equal(created.GetProperty("id").GetInt64(), first.GetProperty("id").GetInt64());
        Assert.Equal(title, first.GetProperty("title").GetString());
    }

    [Fact]
    public async Task RegistrationSendsEmailBeforeResponding()
    {
        var maildir = stage.Resource<MailSinkProcessResource>("mail").Maildir;
        var email = ApiClient.UniqueEmail("stage0-welcome");

        using var response = await stage.Api.PostAsJsonAsync("/api/users", new { name = "Zero <Stage>", email });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // The email goes out inside the request, so it is in the Maildir when the response arrives.
        var message = Assert.Single(MaildirReader.MessagesTo(maildir, email));
        Assert.Contains("Zero &lt;Stage&gt;", message.HtmlBody);
    }

    private async Task<long> PrimaryFeedQueriesAsync()
    {
        using var response = await stage.Api.GetAsync(CountersPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counters = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("counters");

        return counters.GetProperty("databaseQueries").EnumerateArray()
            .Where(item => item.GetProperty("operation").GetString()!.StartsWith("feed", StringComparison.Ordinal)
                && item.GetProperty("target").GetString() == "primary")
            .Sum(item => item.GetProperty("count").GetInt64());
    }
}
