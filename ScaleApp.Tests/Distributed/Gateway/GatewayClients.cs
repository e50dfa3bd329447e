using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Aspire.Hosting;

namespace ScaleApp.Tests.Distributed.Gateway;

/// <summary>
/// HTTP clients for the gateway that connect from a chosen loopback address, so a test acts as a client of its own:
/// its address is the one the gateway observes, and it has a rate limit bucket of its own.
/// </summary>
internal static partial class GatewayClients
{
    public static Uri GatewayAddress(DistributedApplication app) => app.GetEndpoint("gateway", "http");

    /// <summary>Creates a client whose connections leave from <paramref name="sourceAddress"/>, e.g. 127.0.0.23.</summary>
    public static HttpClient FromAddress(DistributedApplication app, string sourceAddress, TimeSpan? timeout = null)
    {
        var gateway = GatewayAddress(app);
        var source = IPAddress.Parse(sourceAddress);
        if (!IPAddress.IsLoopback(source))
        {
            throw new ArgumentException($"Source address {sourceAddress} is not a loopback address; tests send traffic on loopback only.", nameof(sourceAddress));
        }

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };

        return new HttpClient(handler) { BaseAddress = gateway, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    /// <summary>Returns the fingerprinted URL of the stylesheet that the page at <c>/</c> links.</summary>
    public static async Task<string> StylesheetUrlAsync(HttpClient gateway)
    {
        var page = await gateway.GetStringAsync("/");
        var match = StylesheetLink().Match(page);
        Assert.True(match.Success, $"The page at / links no fingerprinted stylesheet under /assets/. Page:\n{page}");
        return match.Groups["url"].Value;
    }

    [GeneratedRegex("href=\"(?<url>/assets/site\\.[0-9a-f]+\\.css)\"")]
    private static partial Regex StylesheetLink();
}
