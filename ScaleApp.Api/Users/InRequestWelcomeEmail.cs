using System.Data.Common;
using System.Diagnostics;
using System.Text.Encodings.Web;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using ScaleApp.Api.Diagnostics;

namespace ScaleApp.Api.Users;

/// <summary>Settings of <c>POST /api/users</c>, from the <c>Registration</c> configuration section.</summary>
internal sealed class RegistrationOptions
{
    public const string SectionName = "Registration";

    /// <summary>
    /// Sends the welcome email over SMTP inside the request and writes no outbox event. This exists
    /// only to measure the request path against the outbox and the worker. In this mode a failed send
    /// fails the request after the user was stored, and a crash loses the email.
    /// </summary>
    public bool SendEmailInRequest { get; set; }
}

/// <summary>
/// Sends the welcome email from the request, one SMTP connection per email, to the server in
/// <c>ConnectionStrings:mail</c> (<c>Endpoint=smtp://host:port</c>, no TLS or authentication).
/// </summary>
internal sealed class InRequestWelcomeEmail
{
    private static readonly TimeSpan SmtpTimeout = TimeSpan.FromSeconds(30);

    private readonly string _host;
    private readonly int _port;

    public InRequestWelcomeEmail(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("mail");
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString ?? string.Empty };
        if (!builder.TryGetValue("Endpoint", out var endpoint)
            || !Uri.TryCreate(endpoint as string, UriKind.Absolute, out var uri)
            || uri.Scheme != "smtp")
        {
            throw new InvalidOperationException(
                $"Registration:SendEmailInRequest is true, but ConnectionStrings:mail '{connectionString}' is missing or invalid. " +
                "Set it to 'Endpoint=smtp://host:port' or turn the setting off.");
        }

        _host = uri.Host;
        _port = uri.IsDefaultPort ? 25 : uri.Port;
    }

    public async Task SendAsync(User user, CancellationToken cancellationToken)
    {
        using var activity = ApiActivitySource.Instance.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("server.address", _host);
        activity?.SetTag("server.port", _port);

        using var client = new SmtpClient { Timeout = (int)SmtpTimeout.TotalMilliseconds };
        await client.ConnectAsync(_host, _port, SecureSocketOptions.None, cancellationToken);
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
