using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure.HealthChecks;

/// <summary>Healthy when the SMTP sink behind the resource's named endpoint greets a client and replies to NOOP.</summary>
internal sealed class SmtpHealthCheck(IResourceWithEndpoints resource, string endpointName) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var endpoint = resource.GetEndpoint(endpointName);
        if (!endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy($"The SMTP endpoint of '{resource.Name}' has no port yet.");
        }

        try
        {
            using var client = new SmtpClient { Timeout = 3000 };
            await client.ConnectAsync("127.0.0.1", endpoint.Port, SecureSocketOptions.None, cancellationToken);
            await client.NoOpAsync(cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ProtocolException or SmtpCommandException or SmtpProtocolException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"SMTP sink '{resource.Name}' does not answer: {ex.Message}", ex);
        }
    }
}
