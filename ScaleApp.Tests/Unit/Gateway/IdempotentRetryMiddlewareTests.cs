using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScaleApp.Gateway.Proxy;
using ScaleApp.Gateway.Telemetry;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ScaleApp.Tests.Unit.Gateway;

public class IdempotentRetryMiddlewareTests
{
    private static readonly DestinationState Replica0 = new("api-0");
    private static readonly DestinationState Replica1 = new("api-1");
    private static readonly DestinationState Replica2 = new("api-2");

    private readonly List<IReadOnlyList<DestinationState>> _offered = [];
    private readonly List<string> _bodiesSent = [];

    /// <summary>
    /// Runs the middleware with a forwarder that picks the first offered destination, fails with
    /// <paramref name="firstError"/> on the first attempt and succeeds on any later one.
    /// </summary>
    private async Task<HttpContext> RunAsync(string method, ForwarderError firstError, Action<HttpContext>? prepare = null)
    {
        var context = ProxyHttpContexts.Create();
        context.Request.Method = method;
        context.GetReverseProxyFeature().AvailableDestinations = [Replica0, Replica1, Replica2];
        prepare?.Invoke(context);

        var metrics = new GatewayMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
        var middleware = new IdempotentRetryMiddleware(async ctx =>
        {
            var proxy = ctx.GetReverseProxyFeature();
            _offered.Add(proxy.AvailableDestinations);
            using var reader = new StreamReader(ctx.Request.Body, leaveOpen: true);
            _bodiesSent.Add(await reader.ReadToEndAsync());

            var first = _offered.Count == 1;
            proxy.ProxiedDestination = proxy.AvailableDestinations[0];
            ProxyHttpContexts.Forward(ctx, destinationId: null, first && firstError != ForwarderError.None ? 502 : 200, first ? firstError : ForwarderError.None);
        }, metrics, NullLogger<IdempotentRetryMiddleware>.Instance);

        await middleware.InvokeAsync(context);
        return context;
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task IdempotentRequestIsRetriedElsewhere(string method)
    {
        var context = await RunAsync(method, ForwarderError.Request);

        Assert.Equal(2, _offered.Count);
        Assert.False(_offered[1].Any(destination => ReferenceEquals(destination, Replica0)), "The retry was offered the replica that failed.");
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Null(context.Features.Get<IForwarderErrorFeature>());
        Assert.Equal("api-1", context.GetReverseProxyFeature().ProxiedDestination?.DestinationId);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task NonIdempotentRequestIsNotRetried(string method)
    {
        var context = await RunAsync(method, ForwarderError.Request);

        Assert.Single(_offered);
        Assert.Equal(502, context.Response.StatusCode);
    }

    [Theory]
    [InlineData(ForwarderError.ResponseBodyDestination)]
    [InlineData(ForwarderError.RequestBodyClient)]
    [InlineData(ForwarderError.RequestCanceled)]
    public async Task FailureAfterSendingIsNotRetried(ForwarderError error)
    {
        await RunAsync("GET", error);

        Assert.Single(_offered);
    }

    [Fact]
    public async Task TimeoutIsRetried()
    {
        await RunAsync("GET", ForwarderError.RequestTimedOut);

        Assert.Equal(2, _offered.Count);
    }

    [Fact]
    public async Task SuccessIsForwardedOnce()
    {
        await RunAsync("GET", ForwarderError.None);

        Assert.Single(_offered);
    }

    [Fact]
    public async Task SmallPutBodyIsReplayed()
    {
        const string body = "{\"title\":\"same body twice\"}";

        await RunAsync("PUT", ForwarderError.Request, context =>
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
        });

        Assert.Equal([body, body], _bodiesSent);
    }

    [Fact]
    public async Task ChunkedBodyIsNotRetried()
    {
        await RunAsync("PUT", ForwarderError.Request, context =>
        {
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("{}"));
            context.Request.Headers.TransferEncoding = "chunked";
        });

        Assert.Single(_offered);
    }

    [Fact]
    public async Task LastReplicaIsNotRetried()
    {
        var context = ProxyHttpContexts.Create();
        context.GetReverseProxyFeature().AvailableDestinations = [Replica0];
        var calls = 0;
        var metrics = new GatewayMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
        var middleware = new IdempotentRetryMiddleware(ctx =>
        {
            calls++;
            ctx.GetReverseProxyFeature().ProxiedDestination = Replica0;
            ProxyHttpContexts.Forward(ctx, destinationId: null, 502, ForwarderError.Request);
            return Task.CompletedTask;
        }, metrics, NullLogger<IdempotentRetryMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        Assert.Equal(1, calls);
        Assert.Equal(502, context.Response.StatusCode);
    }
}
