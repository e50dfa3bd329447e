using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using ScaleApp.Api.Caching;
using ScaleApp.Api.Data;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Outbox;
using ScaleApp.Api.Users;

namespace ScaleApp.Tests.Unit.Api;

/// <summary>
/// Starts the API's registrations on a loopback port and reads <c>/api/diagnostics/counters</c>. The
/// connection strings point at closed loopback ports, so background services fail to connect and retry.
/// </summary>
public sealed class CountersEndpointTests
{
    [Fact]
    public async Task PrimaryOnlyReportsNothingConfigured()
    {
        var body = await GetCountersAsync(ApiRegistrations.Without("replica-db", "redis", "rabbitmq"));

        var configured = body.GetProperty("configured");
        Assert.False(configured.GetProperty("readReplica").GetBoolean());
        Assert.False(configured.GetProperty("caching").GetBoolean());
        Assert.False(configured.GetProperty("broker").GetBoolean());
        Assert.True(configured.GetProperty("emailInRequest").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("counters").GetProperty("replica").ValueKind);
    }

    [Fact]
    public async Task FullTopologyReportsEverythingConfigured()
    {
        var body = await GetCountersAsync(ApiRegistrations.FullTopology());

        var configured = body.GetProperty("configured");
        Assert.True(configured.GetProperty("readReplica").GetBoolean());
        Assert.True(configured.GetProperty("caching").GetBoolean());
        Assert.True(configured.GetProperty("broker").GetBoolean());
        Assert.False(configured.GetProperty("emailInRequest").GetBoolean());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("counters").GetProperty("replica").ValueKind);
    }

    private static async Task<JsonElement> GetCountersAsync(IDictionary<string, string?> settings)
    {
        var builder = ApiRegistrations.CreateBuilder(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddDatabases();
        builder.AddCaching();
        builder.AddOutbox();
        builder.AddUsers();

        await using var app = builder.Build();
        app.MapDiagnosticsCounters();
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(10) };
            return await client.GetFromJsonAsync<JsonElement>(CountersEndpoint.Path);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
