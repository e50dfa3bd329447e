using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;

namespace ScaleApp.Gateway.EdgeCache;

/// <summary>
/// Output cache policy of the proxied asset route. It caches GET and HEAD responses by path, like a CDN does, and
/// stores only what the replica marked cacheable by shared caches: status 200, <c>Cache-Control: public</c>, no
/// <c>private</c> or <c>no-store</c>, no <c>Set-Cookie</c>. Requests with credentials are forwarded uncached.
/// </summary>
internal sealed class EdgeCachePolicy(EdgeCacheOptions options) : IOutputCachePolicy
{
    public const string Name = "edge-assets";

    /// <summary>Tag on every cached asset, so one purge evicts them all.</summary>
    public const string Tag = "edge-assets";

    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var request = context.HttpContext.Request;
        var cacheable = (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && !request.Headers.ContainsKey(HeaderNames.Authorization)
            && !request.Headers.ContainsKey(HeaderNames.Cookie);

        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = options.Duration;

        // Assets are the same for every host name the gateway serves.
        context.CacheVaryByRules.VaryByHost = false;
        context.Tags.Add(Tag);
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK
            || response.Headers.ContainsKey(HeaderNames.SetCookie)
            || !IsPublic(response.Headers.CacheControl.ToString()))
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    internal static bool IsPublic(string cacheControl) =>
        CacheControlHeaderValue.TryParse(cacheControl, out var parsed)
        && parsed.Public
        && !parsed.Private
        && !parsed.NoStore
        && !parsed.NoCache;
}
