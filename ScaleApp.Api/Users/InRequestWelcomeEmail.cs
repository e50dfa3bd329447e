using System.Diagnostics;
using System.Text.Encodings.Web;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Users;

/// <summary>
/// Sends the welcome email from the request, one SMTP connection per email, to the server in
/// <c>ConnectionStrings:mail</c> (<c>Endpoint=smtp://host:port</c>, no TLS or authentication).
/// </summary>
internal sealed class InRequestWelcomeEmail(RegistrationOptions options)
{
    private static readonly TimeSpan SmtpTimeout = TimeSpan.FromSeconds(30);

    private readonly SmtpEndpoint _endpoint = options.MailEndpoint
        ?? throw new InvalidOperationException(
            $"No SMTP server is configured for in-request welcome emails: {RegistrationOptions.SendEmailInRequestSetting} is false.");

    public async Task SendAsync(User user, CancellationToken cancellationToken)
    {
        using var activity = ApiActivitySource.Instance.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("server.address", _endpoint.Host);
        activity?.SetTag("server.port", _endpoint.Port);

        using var client = new SmtpClient { Timeout = (int)SmtpTimeout.TotalMilliseconds };
        await client.ConnectAsync(_endpoint.Host, _endpoint.Port, SecureSocketOptions.None, cancellationToken);
        await client.SendAsync(Compose(user), cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private static MimeMessage Compose(User user)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("ScaleApp", "welcome@scaleapp.local"));
        message.To.Add(new MailboxAddress(user.Name, user.Email));
        message.Subject = $"Welcome to ScaleApp, {user.Name}";

        var htmlName = HtmlEncoder.Default.Encode(user.Name);
        message.Body = new BodyBuilder
        {
            TextBody = $"Hello {user.Name},\n\nWelcome to ScaleApp! Your account is ready.\n\nThe ScaleApp team\n",
            HtmlBody = $"<!DOCTYPE html><html><body><p>Hello {htmlName},</p><p>Welcome to ScaleApp! Your account is ready.</p><p>The ScaleApp team</p></body></html>",
        }.ToMessageBody();

        return message;
    }
}
