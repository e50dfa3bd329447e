namespace ScaleApp.AppHost.Infrastructure.Processes;

/// <summary>
/// A PostgreSQL server run from the operating system's packages. Its connection string logs in as
/// the superuser to the application database directly, not through PgBouncer. Tests and tools use
/// it, while the services use the pooled databases.
/// </summary>
internal sealed class PostgresProcessResource(string name, string command, string workingDirectory, PostgresRole role, ParameterResource superuserPassword)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public PostgresRole Role { get; } = role;

    public ParameterResource SuperuserPassword { get; } = superuserPassword;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};" +
        $"Database={PostgresNames.Database};Username={PostgresNames.Superuser};Password={SuperuserPassword}");
}

/// <summary>PgBouncer run from the operating system's package, pooling connections in transaction mode.</summary>
internal sealed class PgBouncerProcessResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory)
{
    public const string EndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);
}

/// <summary>redis-server run from the operating system's package: password required, nothing persisted.</summary>
internal sealed class RedisProcessResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={Password}");
}

/// <summary>A RabbitMQ node run from the operating system's package, with its own user (not 'guest').</summary>
internal sealed class RabbitMQProcessResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "scaleapp";

    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{Password:uri}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}/");
}

/// <summary>An SMTP sink (Python's aiosmtpd) that stores every message it receives in a Maildir.</summary>
internal sealed class MailSinkProcessResource(string name, string command, string workingDirectory, string maildir)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "smtp";

    /// <summary>Folder of the Maildir (with cur/, new/ and tmp/) that receives the messages.</summary>
    public string Maildir { get; } = maildir;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Endpoint=smtp://{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
