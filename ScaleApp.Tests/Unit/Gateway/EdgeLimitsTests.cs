using Microsoft.AspNetCore.Http;
using ScaleApp.Gateway.Edge;
using ScaleApp.Gateway.EdgeCache;
using ScaleApp.Gateway.RateLimiting;

namespace ScaleApp.Tests.Unit.Gateway;

public class EdgeLimitsTests
{
    [Fact]
    public void HeaderSizeCountsNamesValuesAndSeparators()
    {
        var headers = new HeaderDictionary
        {
            ["Host"] = "example.com",
            ["Accept"] = new(["a", "bc"]),
        };

        // "Host: example.com\r\n" is 19 bytes; each Accept line adds "Accept: " and CRLF around its value.
        Assert.Equal(19 + (6 + 1 + 4) + (6 + 2 + 4), RequestLimitsMiddleware.HeadersTotalSize(headers));
    }

    [Theory]
    [InlineData("public, max-age=31536000, immutable", true)]
    [InlineData("max-age=31536000, immutable", false)]
    [InlineData("public, no-store", false)]
    [InlineData("private, max-age=60", false)]
    [InlineData("public, no-cache", false)]
    [InlineData("", false)]
    public void OnlyPublicResponsesAreCacheable(string cacheControl, bool expected)
    {
        Assert.Equal(expected, EdgeCachePolicy.IsPublic(cacheControl));
    }

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/alive", true)]
    [InlineData("/HEALTH", true)]
    [InlineData("/api/posts", false)]
    [InlineData("/health/extra", false)]
    public void HealthEndpointsAreExemptFromRateLimit(string path, bool exempt)
    {
        Assert.Equal(exempt, ClientRateLimitExtensions.IsExempt(path));
    }

    [Fact]
    public void RateLimitDefaultsAreValid()
    {
        Assert.Empty(new ClientRateLimitOptions().Validate());
    }

    [Fact]
    public void RefillAboveBucketIsRejected()
    {
        var options = new ClientRateLimitOptions { TokenLimit = 10, TokensPerPeriod = 20 };

        var error = Assert.Single(options.Validate());
        Assert.Contains("Gateway:RateLimit:TokensPerPeriod", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EdgeCacheDefaultsAreValid()
    {
        Assert.Empty(new EdgeCacheOptions().Validate());
    }

    [Fact]
    public void EntryLargerThanCacheIsRejected()
    {
        var options = new EdgeCacheOptions { SizeLimit = 1024, MaximumBodySize = 2048 };

        var error = Assert.Single(options.Validate());
        Assert.Contains("Gateway:EdgeCache:MaximumBodySize", error, StringComparison.Ordinal);
    }
}
