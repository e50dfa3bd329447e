using System.Diagnostics;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>Sends email through the SMTP server in <see cref="MailEndpoint"/>, one connection per email.</summary>
internal sealed class WelcomeEmailSender(MailEndpoint endpoint, IOptions<WelcomeEmailOptions> options)
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var activity = WelcomeEmailTelemetry.ActivitySource.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("server.address", endpoint.Host);
        activity?.SetTag("server.port", endpoint.Port);
        activity?.SetTag("network.protocol.name", "smtp");

        try
        {
            using var client = new SmtpClient { Timeout = (int)options.Value.SmtpTimeout.TotalMilliseconds };

            // The SMTP server is a local sink without TLS or authentication.
            await client.ConnectAsync(endpoint.Host, endpoint.Port, SecureSocketOptions.None, cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.AddException(ex);
            throw;
        }
    }
}
