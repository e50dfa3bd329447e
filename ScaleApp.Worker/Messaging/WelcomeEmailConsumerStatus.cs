using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScaleApp.Worker.Messaging;

/// <summary>Whether the welcome-email consumer is currently registered on its queue.</summary>
internal sealed class WelcomeEmailConsumerStatus
{
    private volatile bool _isAttached;

    public bool IsAttached => _isAttached;

    public void SetAttached(bool isAttached) => _isAttached = isAttached;
}

/// <summary>
/// Readiness check that fails while the consumer is not attached to the queue: before the first
/// connection, while the broker is down, and while automatic recovery reconnects.
/// </summary>
internal sealed class WelcomeEmailConsumerHealthCheck(WelcomeEmailConsumerStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = status.IsAttached
            ? HealthCheckResult.Healthy($"Consuming from queue '{MessagingTopology.WelcomeEmailQueue}'.")
            : new HealthCheckResult(
                context.Registration.FailureStatus,
                $"Not consuming from queue '{MessagingTopology.WelcomeEmailQueue}': the RabbitMQ connection or channel is down. " +
                "The worker log shows the connection error and the retries.");

        return Task.FromResult(result);
    }
}
