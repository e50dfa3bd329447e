using System.Text.Encodings.Web;
using MimeKit;
using ScaleApp.Worker.Messaging;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>Builds the welcome email for a new user.</summary>
internal static class WelcomeEmailComposer
{
    /// <summary>Header carrying the user.registered event id, so each email can be matched to its event.</summary>
    public const string EventIdHeader = "X-ScaleApp-Event-Id";

    /// <summary>Header carrying the W3C trace id of the span that sent the email, to find its trace.</summary>
    public const string TraceIdHeader = "X-ScaleApp-Trace-Id";

    public const string SenderName = "ScaleApp";
    public const string SenderAddress = "welcome@scaleapp.local";

    /// <summary>
    /// Returns a message with a plain-text and an HTML part. The user's name is HTML-encoded in the
    /// HTML part, and MimeKit encodes it for the Subject and To headers.
    /// </summary>
    public static MimeMessage Compose(UserRegistered registration)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(SenderName, SenderAddress));
        message.To.Add(new MailboxAddress(registration.Name, registration.Email));
        message.Subject = $"Welcome to ScaleApp, {registration.Name}";
        message.MessageId = $"welcome.{registration.EventId:N}@scaleapp.local";
        message.Headers.Add(EventIdHeader, registration.EventId.ToString());

        var htmlName = HtmlEncoder.Default.Encode(registration.Name);
        var body = new BodyBuilder
        {
            TextBody =
                $"""
                Hello {registration.Name},

                Welcome to ScaleApp! Your account is ready, and you can start writing posts right away.

                The ScaleApp team
                """,
            HtmlBody =
                $"""
                <!DOCTYPE html>
                <html>
                <body>
                <p>Hello {htmlName},</p>
                <p>Welcome to ScaleApp! Your account is ready, and you can start writing posts right away.</p>
                <p>The ScaleApp team</p>
                </body>
                </html>
                """,
        };
        message.Body = body.ToMessageBody();

        return message;
    }
}
