using Microsoft.Extensions.DependencyInjection.Extensions;
using ScaleApp.Api.Diagnostics;
using ScaleApp.Api.Hosting;

namespace ScaleApp.Api.Outbox;

internal static class OutboxRegistration
{
    private const string RabbitMQConnectionName = OptionalResources.RabbitMQName;

    /// <summary>
    /// Registers the RabbitMQ client and the outbox relay when <c>ConnectionStrings:rabbitmq</c> is set.
    /// Nothing here connects to the broker: the relay opens the connection in the background and retries
    /// while RabbitMQ is down. Without the connection string there is no client and no relay, and
    /// registrations send the welcome email inside the request (see <see cref="Users.RegistrationOptions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutboxSignal>();
        if (!OptionalResources.IsConfigured(builder.Configuration, RabbitMQConnectionName))
        {
            return builder;
        }

        var instanceName = builder.Configuration["InstanceName"] ?? Environment.MachineName;

        builder.AddRabbitMQClient(
            RabbitMQConnectionName,
            settings =>
            {
                // Registrations succeed while the broker is down, so its outage must not mark the API unhealthy.
                settings.DisableHealthChecks = true;
                settings.DisableAutoActivation = true;

                // The relay retries on its own schedule; blocking inside the first resolution would only delay that.
                settings.MaxConnectRetryCount = 0;
            },
            factory =>
            {
                factory.ClientProvidedName = instanceName;
                factory.RequestedConnectionTimeout = TimeSpan.FromSeconds(5);
            });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ApiMetrics>();
        builder.Services.AddSingleton<OutboxMetrics>();
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
