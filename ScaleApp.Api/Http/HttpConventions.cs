using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;

namespace ScaleApp.Api.Http;

/// <summary>HTTP behaviour shared by every endpoint: limits, JSON rules, errors as problem details, proxy headers and API docs.</summary>
internal static class HttpConventions
{
    /// <summary>Largest accepted request body: a maximal post, even with every character JSON-escaped, fits.</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddHttpConventions(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // The contract's numbers are JSON numbers; "1" for an id is a client bug worth reporting.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.AllowDuplicateProperties = false;
        });

        // Binding failures throw in every environment, so BadRequestExceptionHandler can describe them;
        // by default they return a bare 400 outside Development.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = AddStatusDetail);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;

            // Only the gateway, on the same host, may set these headers.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Add(new System.Net.IPNetwork(IPAddress.Loopback, 8));
            options.KnownIPNetworks.Add(new System.Net.IPNetwork(IPAddress.IPv6Loopback, 128));
        });

        builder.Services.AddOpenApi();
        return builder;
    }

    // Status code pages write only a title for these statuses, so add the limit or the expected content type.
    private static void AddStatusDetail(ProblemDetailsContext context)
    {
        context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => $"Request bodies are limited to {MaxRequestBodyBytes} bytes.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with the header Content-Type: application/json.",
            _ => null,
        };
    }

    public static WebApplication UseHttpConventions(this WebApplication app)
    {
        app.UseMiddleware<ServedByMiddleware>();
        app.UseForwardedHeaders();
        app.UseExceptionHandler();

        // Gives bodiless error responses (unknown route, wrong method) a problem details body too.
        app.UseStatusCodePages();

        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
            app.MapScalarApiReference();
        }

        return app;
    }
}
