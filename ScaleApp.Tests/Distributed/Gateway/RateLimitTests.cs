using System.Diagnostics;
using System.Net;

namespace ScaleApp.Tests.Distributed.Gateway;

/// <summary>Per-client token bucket at the gateway: 429 with Retry-After, health endpoints exempt, other clients unaffected.</summary>
[Collection(TopologyCollection.Name)]
public sealed class RateLimitTests(TopologyFixture topology)
{
    // Its own loopback address, so the bucket it drains is not the one the other tests use.
    private const string FloodingClient = "127.0.0.31";

    private const int MaxRequests = 5000;
    private static readonly TimeSpan MaxFloodTime = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task FloodingClientGets429()
    {
        using var client = GatewayClients.FromAddress(topology.App, FloodingClient);
        var asset = await GatewayClients.StylesheetUrlAsync(client);

        // Cached assets are the cheapest requests through the gateway, so the client outruns the refill rate.
        var rejected = await FloodUntilRejectedAsync(client, asset);

        Assert.NotNull(rejected);
        Assert.Equal("application/problem+json", rejected.Value.ContentType);
        Assert.True(rejected.Value.RetryAfterSeconds >= 1, $"Retry-After was {rejected.Value.RetryAfterSeconds}; expected whole seconds, at least 1.");

        using (var health = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var otherClient = await topology.Gateway.GetAsync(asset))
        {
            Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(rejected.Value.RetryAfterSeconds + 1));
        using var afterWait = await client.GetAsync(asset);
        Assert.Equal(HttpStatusCode.OK, afterWait.StatusCode);
    }

    private static async Task<(string? ContentType, int RetryAfterSeconds)?> FloodUntilRejectedAsync(HttpClient client, string path)
    {
        using var stop = new CancellationTokenSource(MaxFloodTime);
        var sent = 0;
        (string? ContentType, int RetryAfterSeconds)? rejected = null;
        var stopwatch = Stopwatch.StartNew();

        var workers = Enumerable.Range(0, 16).Select(async _ =>
        {
            while (!stop.IsCancellationRequested && Interlocked.Increment(ref sent) <= MaxRequests)
            {
                HttpResponseMessage response;
                try
                {
                    response = await client.GetAsync(path, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }

                using (response)
                {
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : -1;
                        rejected ??= (response.Content.Headers.ContentType?.MediaType, retryAfter);
                        await stop.CancelAsync();
                        return;
                    }

                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
            }
        });
        await Task.WhenAll(workers);

        Assert.True(rejected is not null, $"No 429 after {Math.Min(sent, MaxRequests)} requests in {stopwatch.Elapsed.TotalSeconds:0.0} s from one client.");
        return rejected;
    }
}
