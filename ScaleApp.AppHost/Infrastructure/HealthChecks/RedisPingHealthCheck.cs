using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScaleApp.AppHost.Infrastructure.Processes;
using StackExchange.Redis;

namespace ScaleApp.AppHost.Infrastructure.HealthChecks;

/// <summary>Healthy when Redis accepts the password and replies to PING.</summary>
internal sealed class RedisPingHealthCheck(RedisProcessResource resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var options = ConfigurationOptions.Parse(connectionString!);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 3000;
            options.ConnectRetry = 0;

            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis '{resource.Name}' does not answer PING: {ex.Message}", ex);
        }
    }
}
