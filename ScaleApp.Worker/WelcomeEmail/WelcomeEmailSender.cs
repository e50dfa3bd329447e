using System.Diagnostics;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>Sends email through the SMTP server in <see cref="MailEndpoint"/>, one connection per email.</summary>
internal sealed class WelcomeEmailSender(MailEndpoint endpoint, IOptions<WelcomeEmailOptions> options)
{
    /// <summary>
    /// Sends <paramref name="message"/> and runs <paramref name="onAccepted"/> as soon as the server has
    /// accepted it, before QUIT, so the caller can record the delivery with the shortest gap after the
    /// accept. A failed QUIT after that is ignored because the email is already accepted.
    /// </summary>
    public async Task SendAsync(MimeMessage message, Func<Task> onAccepted, CancellationToken cancellationToken)
    {
        using var activity = WelcomeEmailTelemetry.ActivitySource.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("server.address", endpoint.Host);
        activity?.SetTag("server.port", endpoint.Port);
        activity?.SetTag("network.protocol.name", "smtp");

        using var client = new SmtpClient { Timeout = (int)options.Value.SmtpTimeout.TotalMilliseconds };
        try
        {
            // The SMTP server is a local sink without TLS or authentication.
            await client.ConnectAsync(endpoint.Host, endpoint.Port, SecureSocketOptions.None, cancellationToken);
            await client.SendAsync(message, cancellationToken);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.AddException(ex);
            throw;
        }

        await onAccepted();

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or TimeoutException)
        {
            activity?.AddEvent(new ActivityEvent("smtp quit failed after the email was accepted"));
        }
    }
}
