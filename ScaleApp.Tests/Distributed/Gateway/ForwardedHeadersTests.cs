using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleApp.Tests.Distributed.Gateway;

/// <summary>What the API observes of the client through the gateway, when a client makes up forwarded headers.</summary>
[Collection(TopologyCollection.Name)]
public sealed class ForwardedHeadersTests(TopologyFixture topology)
{
    // A loopback address other than 127.0.0.1, so the API can only report it if the gateway forwarded what it observed.
    private const string ClientAddress = "127.0.0.23";

    [Fact]
    public async Task ApiSeesGatewayObservedClient()
    {
        using var client = GatewayClients.FromAddress(topology.App, ClientAddress);
        var gateway = GatewayClients.GatewayAddress(topology.App);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/diagnostics/request");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "attacker.example");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ClientAddress, seen.GetProperty("clientAddress").GetString());
        Assert.Equal(gateway.Scheme, seen.GetProperty("scheme").GetString());
        Assert.Equal(gateway.Authority, seen.GetProperty("host").GetString());
    }

    [Fact]
    public async Task CreatedLocationPointsAtGateway()
    {
        using var client = GatewayClients.FromAddress(topology.App, ClientAddress);
        var gateway = GatewayClients.GatewayAddress(topology.App);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { name = "Location Check", email = ApiClient.UniqueEmail("location") }),
        };
        request.Headers.Add("X-Forwarded-Host", "attacker.example");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = response.Headers.Location;
        Assert.NotNull(location);

        // A relative Location resolves against the URL the client used, which is the gateway's.
        var resolved = location.IsAbsoluteUri ? location : new Uri(gateway, location);
        Assert.Equal(gateway.Authority, resolved.Authority);
        Assert.StartsWith("/api/users/", resolved.AbsolutePath, StringComparison.Ordinal);

        using var followed = await client.GetAsync(resolved);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
    }
}
