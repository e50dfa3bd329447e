using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleApp.Tests.Distributed.Gateway;

/// <summary>Oversized requests end at the gateway with problem details, and everything stays healthy.</summary>
[Collection(TopologyCollection.Name)]
public sealed class RequestLimitsTests(TopologyFixture topology)
{
    private const int FiftyMegabytes = 50 * 1024 * 1024;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FiftyMegabytePostGets413(bool expectContinue)
    {
        using var client = GatewayClients.FromAddress(topology.App, "127.0.0.24", TimeSpan.FromSeconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts")
        {
            Content = new ByteArrayContent(new byte[FiftyMegabytes]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.ExpectContinue = expectContinue;

        using var response = await client.SendAsync(request);

        await AssertGatewayRejectedBodyAsync(response);
        await AssertTopologyServesAsync();
    }

    [Fact]
    public async Task FiftyMegabyteChunkedPostGets413()
    {
        using var client = GatewayClients.FromAddress(topology.App, "127.0.0.24", TimeSpan.FromSeconds(60));

        // A stream of unknown length is sent chunked, and the client sends all of it before it reads the response.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts")
        {
            Content = new StreamContent(new UnknownLengthStream(new MemoryStream(new byte[FiftyMegabytes]))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.SendAsync(request);

        await AssertGatewayRejectedBodyAsync(response);
        await AssertTopologyServesAsync();
    }

    [Fact]
    public async Task OversizedHeadersGet431()
    {
        using var client = GatewayClients.FromAddress(topology.App, "127.0.0.24");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/posts");
        request.Headers.Add("X-Padding", new string('a', 40 * 1024));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains(ApiClient.ServedByHeader), "A replica handled the oversized headers; the gateway must reject them first.");

        await AssertTopologyServesAsync();
    }

    private static async Task AssertGatewayRejectedBodyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(413, problem.GetProperty("status").GetInt32());

        // The gateway responded itself, so no replica handled the body.
        Assert.False(response.Headers.Contains(ApiClient.ServedByHeader), "A replica handled the oversized body; the gateway must reject it first.");
    }

    private async Task AssertTopologyServesAsync()
    {
        using var next = await topology.Gateway.GetAsync("/api/posts");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        foreach (var resource in (string[])["gateway", .. TopologyFixture.ApiReplicaNames])
        {
            await ResourceWaits.WaitForHealthyAsync(topology.App, resource, TimeSpan.FromSeconds(15));
        }
    }

    /// <summary>A read-only stream that hides its length, so HttpClient sends it with chunked transfer encoding.</summary>
    private sealed class UnknownLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
