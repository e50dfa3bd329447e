using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ScaleApp.Gateway.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace ScaleApp.Tests.Unit.Gateway;

public class ProxyErrorResponseMiddlewareTests
{
    private static async Task<HttpContext> RunAsync(string? destinationId, int statusCode, ForwarderError error, Action<HttpContext>? prepare = null)
    {
        var context = ProxyHttpContexts.Create();
        prepare?.Invoke(context);
        var middleware = new ProxyErrorResponseMiddleware(ctx =>
        {
            ProxyHttpContexts.Forward(ctx, destinationId, statusCode, error);
            return Task.CompletedTask;
        });

        await middleware.InvokeAsync(context);
        return context;
    }

    [Fact]
    public async Task NoAvailableDestinationsBecomesProblem503()
    {
        var context = await RunAsync(destinationId: null, 503, ForwarderError.NoAvailableDestinations);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        using var body = JsonDocument.Parse(ProxyHttpContexts.ReadBody(context));
        Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("No healthy API replica", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectFailureBecomesProblem502()
    {
        var context = await RunAsync("api-1[http://127.0.0.1:5102/]", 502, ForwarderError.Request);

        Assert.Equal(502, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        using var body = JsonDocument.Parse(ProxyHttpContexts.ReadBody(context));
        Assert.Contains("'api-1'", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutBecomesProblem504()
    {
        var context = await RunAsync("api-0[http://127.0.0.1:5101/]", 504, ForwarderError.RequestTimedOut);

        Assert.Equal(504, context.Response.StatusCode);
        using var body = JsonDocument.Parse(ProxyHttpContexts.ReadBody(context));
        Assert.Equal(504, body.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task NonJsonAcceptStillGetsProblemBody()
    {
        var context = await RunAsync(destinationId: null, 503, ForwarderError.NoAvailableDestinations,
            ctx => ctx.Request.Headers.Accept = "text/html");

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.NotEmpty(ProxyHttpContexts.ReadBody(context));
    }

    [Fact]
    public async Task SuccessfulResponseIsUntouched()
    {
        var context = await RunAsync("api-0[http://127.0.0.1:5101/]", 404, ForwarderError.None);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Null(context.Response.ContentType);
        Assert.Empty(ProxyHttpContexts.ReadBody(context));
    }

    [Fact]
    public async Task AbortedClientGetsNoBody()
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();

        var context = await RunAsync("api-0[http://127.0.0.1:5101/]", 400, ForwarderError.RequestCanceled,
            ctx => ctx.RequestAborted = aborted.Token);

        Assert.Empty(ProxyHttpContexts.ReadBody(context));
    }
}
