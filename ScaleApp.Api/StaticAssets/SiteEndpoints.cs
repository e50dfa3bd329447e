using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Net.Http.Headers;

namespace ScaleApp.Api.StaticAssets;

/// <summary>
/// The web page at <c>/</c>, its fingerprinted assets under <c>/assets/</c>, and an endpoint that returns what the
/// API observes of the request after the gateway's forwarded headers were applied.
/// </summary>
internal static class SiteEndpoints
{
    /// <summary>Fingerprinted URLs never change content, so browsers and the edge cache may keep them for a year.</summary>
    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    /// <summary>The page names the current asset URLs, so clients revalidate it on every use.</summary>
    public const string PageCacheControl = "no-cache";

    public static IEndpointRouteBuilder MapSiteEndpoints(this WebApplication app)
    {
        var catalog = AssetCatalog.Load(app.Environment.WebRootFileProvider);

        app.MapGet("/", (HttpContext context) => Serve(context, catalog.Page, PageCacheControl))
            .ExcludeFromDescription();

        app.MapGet("/assets/{file}", (HttpContext context, string file) =>
                catalog.TryGetAsset(AssetCatalog.AssetsPathPrefix + file, out var asset)
                    ? Serve(context, asset, ImmutableCacheControl)
                    : TypedResults.Problem(
                        statusCode: StatusCodes.Status404NotFound,
                        title: "Asset not found.",
                        detail: $"No asset is published at '{context.Request.Path}'. Asset URLs carry a content hash; load '/' for the current ones."))
            .ExcludeFromDescription();

        app.MapGet("/api/diagnostics/request", (HttpContext context) => TypedResults.Ok(new RequestView(
                context.Connection.RemoteIpAddress?.ToString(),
                context.Request.Scheme,
                context.Request.Host.Value,
                context.Request.GetDisplayUrl())))
            .WithTags("Diagnostics")
            .WithSummary("Returns the client address, scheme and host the API observes, after the gateway's forwarded headers.");

        return app;
    }

    private static IResult Serve(HttpContext context, StaticAsset asset, string cacheControl)
    {
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = asset.ETag;
        context.Response.Headers.CacheControl = cacheControl;

        var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(asset.ETag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    /// <summary>What the API observes of a request: <c>Url</c> is the absolute URL it would build links from.</summary>
    internal sealed record RequestView(string? ClientAddress, string Scheme, string? Host, string Url);
}
