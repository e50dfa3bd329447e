using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using ScaleApp.Api.Hosting;

namespace ScaleApp.Api.Users;

/// <summary>Settings of <c>POST /api/users</c>, from the <c>Registration</c> configuration section and the connection strings.</summary>
internal sealed class RegistrationOptions
{
    public const string SendEmailInRequestSetting = "Registration:SendEmailInRequest";
    public const string MailConnectionName = "mail";

    /// <summary>
    /// Sends the welcome email over SMTP inside the request and writes no outbox event. Defaults to true
    /// when <c>ConnectionStrings:rabbitmq</c> is not set, because then no relay publishes events, and to
    /// false otherwise. An explicit setting wins. With a broker it exists to measure the request path
    /// against the outbox and the worker. In this mode a failed send fails the request after the user
    /// was stored, and a crash loses the email.
    /// </summary>
    public bool SendEmailInRequest { get; private init; }

    /// <summary>SMTP server from <c>ConnectionStrings:mail</c>, set exactly when <see cref="SendEmailInRequest"/> is true.</summary>
    public SmtpEndpoint? MailEndpoint { get; private init; }

    /// <summary>Reads the settings and checks that the chosen email path has the connection string it needs.</summary>
    /// <exception cref="InvalidOperationException">
    /// The email would go inside the request but <c>ConnectionStrings:mail</c> is missing or invalid, or
    /// <see cref="SendEmailInRequest"/> is set to false without <c>ConnectionStrings:rabbitmq</c>.
    /// </exception>
    public static RegistrationOptions FromConfiguration(IConfiguration configuration)
    {
        var brokerConfigured = OptionalResources.IsConfigured(configuration, OptionalResources.RabbitMQName);
        var sendEmailInRequest = configuration.GetValue<bool?>(SendEmailInRequestSetting);

        if (sendEmailInRequest == false && !brokerConfigured)
        {
            throw new InvalidOperationException(
                $"{SendEmailInRequestSetting} is false, but ConnectionStrings:{OptionalResources.RabbitMQName} is not set, " +
                "so no outbox relay would publish the user.registered events and no welcome email would be sent. " +
                $"Set ConnectionStrings:{OptionalResources.RabbitMQName}, or remove {SendEmailInRequestSetting} to send the email inside the request.");
        }

        // Without a broker nothing publishes outbox rows, so the email must go out inside the request.
        if (!(sendEmailInRequest ?? !brokerConfigured))
        {
            return new RegistrationOptions { SendEmailInRequest = false };
        }

        var mail = configuration.GetConnectionString(MailConnectionName);
        if (SmtpEndpoint.TryParse(mail, out var endpoint))
        {
            return new RegistrationOptions { SendEmailInRequest = true, MailEndpoint = endpoint };
        }

        if (!brokerConfigured)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{OptionalResources.RabbitMQName} is not set, so the welcome email is sent inside the request, " +
                $"but ConnectionStrings:{MailConnectionName} '{mail}' is missing or invalid. Set ConnectionStrings:{MailConnectionName} " +
                $"to 'Endpoint=smtp://host:port', or set ConnectionStrings:{OptionalResources.RabbitMQName} to send the email through the outbox and the worker.");
        }

        throw new InvalidOperationException(
            $"{SendEmailInRequestSetting} is true, but ConnectionStrings:{MailConnectionName} '{mail}' is missing or invalid. " +
            $"Set ConnectionStrings:{MailConnectionName} to 'Endpoint=smtp://host:port' or turn the setting off.");
    }
}

/// <summary>An SMTP server without TLS or authentication, as in <c>ConnectionStrings:mail</c>.</summary>
internal sealed record SmtpEndpoint(string Host, int Port)
{
    /// <summary>Parses <c>Endpoint=smtp://host[:port]</c> (port 25 when omitted). Returns false when the value is missing or not an smtp URI.</summary>
    public static bool TryParse(string? connectionString, [NotNullWhen(true)] out SmtpEndpoint? endpoint)
    {
        endpoint = null;
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString ?? string.Empty;
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (!builder.TryGetValue("Endpoint", out var value)
            || !Uri.TryCreate(value as string, UriKind.Absolute, out var uri)
            || uri.Scheme != "smtp")
        {
            return false;
        }

        endpoint = new SmtpEndpoint(uri.Host, uri.IsDefaultPort ? 25 : uri.Port);
        return true;
    }
}
