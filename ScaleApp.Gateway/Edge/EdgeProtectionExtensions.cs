namespace ScaleApp.Gateway.Edge;

internal static class EdgeProtectionExtensions
{
    /// <summary>
    /// Adds the security headers to every response and rejects oversized requests before they are routed,
    /// rate limited or forwarded.
    /// </summary>
    public static WebApplication UseEdgeProtection(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<RequestLimitsMiddleware>();
        return app;
    }
}
