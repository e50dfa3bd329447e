using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace ScaleApp.Tests.Unit.Gateway;

/// <summary>Builders for the in-process gateways and stand-in replicas that the gateway unit tests run on loopback ports.</summary>
internal static class LoopbackHosts
{
    /// <summary>
    /// Creates a web application builder whose only configuration is <paramref name="settings"/>. The test output
    /// folder contains other projects' appsettings.json, so the default sources are removed.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    /// <summary>Returns a loopback port that was free a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
