using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ScaleApp.Gateway.RateLimiting;

/// <summary>
/// Limits each client IP address with a token bucket. The gateway is the edge, so the client is the TCP peer it
/// accepted the connection from; a client's <c>X-Forwarded-For</c> is never used to pick the bucket. Health
/// endpoints are exempt, so probes keep working while a client is limited.
/// </summary>
internal static class ClientRateLimitExtensions
{
    public static WebApplicationBuilder AddClientRateLimiting(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ClientRateLimitOptions.SectionName).Get<ClientRateLimitOptions>()
            ?? new ClientRateLimitOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Invalid gateway rate limit configuration: {string.Join(" ", errors)}");
        }

        builder.Services.AddSingleton(options);
        if (!options.Enabled)
        {
            return builder;
        }

        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.TokenLimit,
            TokensPerPeriod = options.TokensPerPeriod,
            ReplenishmentPeriod = options.ReplenishmentPeriod,
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
                IsExempt(context.Request.Path) || context.Connection.RemoteIpAddress is not { } client
                    ? RateLimitPartition.GetNoLimiter(IPAddress.None)
                    : RateLimitPartition.GetTokenBucketLimiter(client, _ => bucket));
            limiter.OnRejected = (rejected, _) => WriteRejectionAsync(rejected, options);
        });

        return builder;
    }

    public static WebApplication UseClientRateLimiting(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ClientRateLimitOptions>().Enabled)
        {
            app.UseRateLimiter();
        }

        return app;
    }

    internal static bool IsExempt(PathString path) =>
        path.Equals(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath, StringComparison.OrdinalIgnoreCase);

    private static ValueTask WriteRejectionAsync(OnRejectedContext rejected, ClientRateLimitOptions options)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.ReplenishmentPeriod;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

        var problem = TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            detail: $"This client sent more than {options.TokensPerPeriod} requests per {options.ReplenishmentPeriod.TotalSeconds:0.###} s "
                + $"(bursts up to {options.TokenLimit}). Retry after {seconds} s.");
        return new ValueTask(problem.ExecuteAsync(context));
    }
}
