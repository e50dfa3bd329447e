using System.Data.Common;

namespace ScaleApp.Worker.WelcomeEmail;

/// <summary>Host and port of the SMTP server, read from <c>ConnectionStrings:mail</c>.</summary>
internal sealed record MailEndpoint(string Host, int Port)
{
    public const string ConnectionName = "mail";

    private const int DefaultSmtpPort = 25;
    private const string ExpectedFormat = "'Endpoint=smtp://host:port'";

    /// <summary>Parses a connection string of the form <c>Endpoint=smtp://host:port</c>. Without a port, 25 is used.</summary>
    /// <exception cref="InvalidOperationException">The connection string is missing or has no <c>Endpoint</c>.</exception>
    /// <exception cref="FormatException">The connection string or the endpoint URI is malformed.</exception>
    internal static MailEndpoint Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is missing. Set it to {ExpectedFormat}, the SMTP server the welcome emails go to.");
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(
                $"ConnectionStrings:{ConnectionName} '{connectionString}' is not a valid connection string. Expected {ExpectedFormat}.", ex);
        }

        if (!builder.TryGetValue("Endpoint", out var endpointValue) || endpointValue is not string endpoint || string.IsNullOrWhiteSpace(endpoint))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} '{connectionString}' has no Endpoint. Expected {ExpectedFormat}.");
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Scheme, "smtp", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath != "/"
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new FormatException(
                $"ConnectionStrings:{ConnectionName} has an invalid Endpoint '{endpoint}'. Expected {ExpectedFormat}, e.g. 'Endpoint=smtp://127.0.0.1:1025'.");
        }

        return new MailEndpoint(uri.Host, uri.Port > 0 ? uri.Port : DefaultSmtpPort);
    }
}
