using System.Net;

namespace ScaleApp.Tests.Distributed.Gateway;

/// <summary>Every gateway response carries the browser security headers and no server banner.</summary>
[Collection(TopologyCollection.Name)]
public sealed class SecurityHeadersTests(TopologyFixture topology)
{
    [Theory]
    [InlineData("/api/posts", HttpStatusCode.OK)]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/api/posts/0", HttpStatusCode.NotFound)]
    [InlineData("/no-such-route", HttpStatusCode.NotFound)]
    [InlineData("/health", HttpStatusCode.OK)]
    public async Task ResponseHasSecurityHeaders(string path, HttpStatusCode expectedStatus)
    {
        using var response = await topology.Gateway.GetAsync(path);

        Assert.Equal(expectedStatus, response.StatusCode);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"), $"Server header present: {Header(response, "Server")}");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
