using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ScaleApp.Gateway.Edge;
using ScaleApp.Gateway.Proxy;

namespace ScaleApp.Tests.Unit.Gateway;

/// <summary>
/// Sends chunked bodies through a real gateway on a loopback port, the way simple clients do: the whole body first,
/// then the response. Over the limit, the client must still finish sending and then read the 413.
/// </summary>
public sealed class ChunkedBodyLimitTests
{
    private const int GatewayLimitBytes = 64 * 1024;
    private const int BodyBytes = 32 * 1024 * 1024;

    [Fact]
    public async Task OversizedChunkedBodyGets413()
    {
        await using var gateway = await TestGateway.StartAsync(GatewayLimitBytes);

        var response = await SendChunkedThenReadAsync(gateway.Port, BodyBytes);

        Assert.StartsWith("HTTP/1.1 413 ", response, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", response, StringComparison.Ordinal);
        Assert.Contains("Gateway:MaxRequestBodySize", response, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultLimitEqualsApiLimit()
    {
        // A replica that rejects a body for its size closes its connection mid-body, and the gateway can then only
        // return 502, so the gateway must reject first.
        Assert.Equal(ScaleApp.Api.Http.HttpConventions.MaxRequestBodyBytes, new GatewayOptions().MaxRequestBodySize);
    }

    [Fact]
    public async Task ChunkedBodyWithinLimitIsForwarded()
    {
        await using var gateway = await TestGateway.StartAsync(GatewayLimitBytes);

        var response = await SendChunkedThenReadAsync(gateway.Port, GatewayLimitBytes);

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Contains($"received {GatewayLimitBytes} bytes", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitStreamFailsPastLimit()
    {
        using var limited = new BodySizeLimitStream(new MemoryStream(new byte[10]), maxBytes: 8);
        var buffer = new byte[4];

        Assert.Equal(4, await limited.ReadAsync(buffer));
        Assert.Equal(4, await limited.ReadAsync(buffer));
        var error = await Assert.ThrowsAsync<BadHttpRequestException>(async () => _ = await limited.ReadAsync(buffer));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, error.StatusCode);
        Assert.True(limited.LimitExceeded);
        Assert.False(limited.ReachedEnd);
    }

    /// <summary>
    /// Writes a chunked POST with <paramref name="bodyBytes"/> bytes in 64 KB chunks and the final chunk, and only
    /// then reads the response until the gateway closes the connection or the response is complete.
    /// </summary>
    private static async Task<string> SendChunkedThenReadAsync(int port, int bodyBytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var head = $"POST /api/posts HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);

        var chunk = new byte[64 * 1024];
        for (var sent = 0; sent < bodyBytes; sent += chunk.Length)
        {
            var size = Math.Min(chunk.Length, bodyBytes - sent);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{size:x}\r\n"), timeout.Token);
            await stream.WriteAsync(chunk.AsMemory(0, size), timeout.Token);
            await stream.WriteAsync("\r\n"u8.ToArray(), timeout.Token);
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), timeout.Token);

        var response = new StringBuilder();
        var buffer = new byte[16 * 1024];
        while (!IsComplete(response.ToString()))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            response.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return response.ToString();
    }

    // A response ends after Content-Length body bytes, or with the last chunk when it is chunked.
    private static bool IsComplete(string response)
    {
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headerEnd < 0)
        {
            return false;
        }

        var headerLines = response[..headerEnd].Split("\r\n");
        if (headerLines.Any(line => line.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return response.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
        }

        var lengthLine = headerLines.FirstOrDefault(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (lengthLine is null)
        {
            return false;
        }

        var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetByteCount(response[(headerEnd + 4)..]) >= length;
    }

    private sealed class TestGateway : IAsyncDisposable
    {
        private readonly WebApplication _replica;
        private readonly WebApplication _gateway;

        private TestGateway(WebApplication replica, WebApplication gateway, int port)
        {
            _replica = replica;
            _gateway = gateway;
            Port = port;
        }

        public int Port { get; }

        /// <summary>
        /// Starts a stand-in replica that reads the whole body and reports its size, and the gateway's proxy and
        /// request limits in front of it.
        /// </summary>
        public static async Task<TestGateway> StartAsync(long gatewayLimitBytes)
        {
            var replica = LoopbackHosts.CreateBuilder([]);
            replica.WebHost.UseUrls("http://127.0.0.1:0");
            replica.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
            var replicaApp = replica.Build();
            replicaApp.MapPost("/api/posts", async (HttpContext context) =>
            {
                var buffer = new byte[16 * 1024];
                long total = 0;
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
                {
                    total += read;
                }

                return Results.Text($"received {total} bytes");
            });
            await replicaApp.StartAsync();

            var port = LoopbackHosts.FreeLoopbackPort();
            var gateway = LoopbackHosts.CreateBuilder(new Dictionary<string, string?>
            {
                ["Gateway:MaxRequestBodySize"] = gatewayLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ReverseProxy:Routes:api:ClusterId"] = "api",
                ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**catch-all}",
                ["ReverseProxy:Clusters:api:Destinations:api-0:Address"] = replicaApp.Urls.Single(),
            });
            gateway.WebHost.UseUrls($"http://127.0.0.1:{port}");
            gateway.Services.AddServiceDiscovery();
            gateway.AddGatewayProxy();

            var gatewayApp = gateway.Build();
            gatewayApp.UseEdgeProtection();
            gatewayApp.MapGatewayProxy();
            await gatewayApp.StartAsync();

            return new TestGateway(replicaApp, gatewayApp, port);
        }

        public async ValueTask DisposeAsync()
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
            await _replica.StopAsync();
            await _replica.DisposeAsync();
        }
    }
}
