using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using ScaleApp.AppHost.Infrastructure.Processes;

namespace ScaleApp.AppHost.Infrastructure.HealthChecks;

/// <summary>Healthy when the node accepts an AMQP login with the run's user and opens a channel.</summary>
internal sealed class RabbitMQConnectionHealthCheck(RabbitMQProcessResource resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var factory = new ConnectionFactory
            {
                Uri = new Uri(connectionString!),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                AutomaticRecoveryEnabled = false,
            };

            await using var connection = await factory.CreateConnectionAsync("scaleapp-apphost-health", cancellationToken);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or IOException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"RabbitMQ '{resource.Name}' does not accept an AMQP connection: {ex.Message}", ex);
        }
    }
}
