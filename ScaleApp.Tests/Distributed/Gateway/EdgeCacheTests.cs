using System.Net;
using System.Net.Http.Headers;

namespace ScaleApp.Tests.Distributed.Gateway;

/// <summary>The gateway caches fingerprinted assets like a CDN, serves repeats and revalidations itself, and purges on command.</summary>
[Collection(TopologyCollection.Name)]
public sealed class EdgeCacheTests(TopologyFixture topology)
{
    private const string CacheHeader = "X-Cache";

    [Fact]
    public async Task AssetsAreServedFromEdgeCache()
    {
        var gateway = topology.Gateway;
        var asset = await GatewayClients.StylesheetUrlAsync(gateway);
        await PurgeAsync();

        using var first = await gateway.GetAsync(asset);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("MISS", Header(first, CacheHeader));
        Assert.StartsWith("api-", ApiClient.ServedBy(first), StringComparison.Ordinal);
        Assert.Equal("public, max-age=31536000, immutable", Header(first, "Cache-Control"));
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        var body = await first.Content.ReadAsStringAsync();

        using var repeat = await gateway.GetAsync(asset);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("HIT", Header(repeat, CacheHeader));
        Assert.Equal(etag, repeat.Headers.ETag);
        Assert.Equal(body, await repeat.Content.ReadAsStringAsync());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, asset);
        conditional.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await gateway.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Equal("HIT", Header(revalidated, CacheHeader));
    }

    [Fact]
    public async Task PurgeCommandEmptiesEdgeCache()
    {
        var gateway = topology.Gateway;
        var asset = await GatewayClients.StylesheetUrlAsync(gateway);
        using (var warm = await gateway.GetAsync(asset))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using (var cached = await gateway.GetAsync(asset))
        {
            Assert.Equal("HIT", Header(cached, CacheHeader));
        }

        await PurgeAsync();

        using var afterPurge = await gateway.GetAsync(asset);
        Assert.Equal(HttpStatusCode.OK, afterPurge.StatusCode);
        Assert.Equal("MISS", Header(afterPurge, CacheHeader));
    }

    [Fact]
    public async Task PurgeIsNotOnPublicPort()
    {
        using var response = await topology.Gateway.PostAsync("/admin/edge-cache/purge", content: null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ApiResponsesAreNotCached()
    {
        using var first = await topology.Gateway.GetAsync("/api/posts");
        using var second = await topology.Gateway.GetAsync("/api/posts");

        Assert.False(first.Headers.Contains(CacheHeader));
        Assert.False(second.Headers.Contains(CacheHeader));
        Assert.Null(second.Headers.Age);
    }

    private async Task PurgeAsync()
    {
        var result = await topology.App.ResourceCommands.ExecuteCommandAsync("gateway", "purge-edge-cache");
        Assert.True(result.Success, $"The purge-edge-cache command failed: {result.Message}");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
