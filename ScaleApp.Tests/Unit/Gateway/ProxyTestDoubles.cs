using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ScaleApp.Tests.Unit.Gateway;

internal sealed class FakeForwarderErrorFeature(ForwarderError error) : IForwarderErrorFeature
{
    public ForwarderError Error { get; } = error;

    public Exception? Exception => null;
}

internal sealed class FakeHttpActivityFeature(Activity activity) : IHttpActivityFeature
{
    public Activity Activity { get; set; } = activity;
}

internal static class ProxyHttpContexts
{
    /// <summary>
    /// Creates a context as the proxy pipeline receives it, with a readable response body and problem details services.
    /// </summary>
    public static DefaultHttpContext Create(IServiceProvider? services = null)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = services ?? new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/api/posts";
        context.Response.Body = new MemoryStream();
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature());
        return context;
    }

    /// <summary>
    /// Simulates YARP's forwarder: records the chosen destination, the status code and the forwarding error.
    /// </summary>
    public static void Forward(HttpContext context, string? destinationId, int statusCode, ForwarderError error)
    {
        if (destinationId is not null)
        {
            context.Features.Get<IReverseProxyFeature>()!.ProxiedDestination = new DestinationState(destinationId);
        }

        context.Response.StatusCode = statusCode;

        if (error != ForwarderError.None)
        {
            context.Features.Set<IForwarderErrorFeature>(new FakeForwarderErrorFeature(error));
        }
    }

    public static string ReadBody(HttpContext context)
    {
        context.Response.Body.Position = 0;
        using var reader = new StreamReader(context.Response.Body, leaveOpen: true);
        return reader.ReadToEnd();
    }
}
