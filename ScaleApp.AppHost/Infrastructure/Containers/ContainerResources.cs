namespace ScaleApp.AppHost.Infrastructure.Containers;

/// <summary>
/// The PostgreSQL hot standby as a container. Its connection string logs in as the superuser with
/// the same form as Aspire's PostgreSQL server resource (no database, so Npgsql uses 'postgres');
/// the services read from it through PgBouncer instead.
/// </summary>
internal sealed class PostgresReplicaContainerResource(string name, ParameterResource superuserPassword)
    : ContainerResource(name), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const int Port = 5432;

    public ParameterResource SuperuserPassword { get; } = superuserPassword;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};" +
        $"Username={PostgresNames.Superuser};Password={SuperuserPassword}");
}

/// <summary>PgBouncer as a container, pooling connections in transaction mode.</summary>
internal sealed class PgBouncerContainerResource(string name) : ContainerResource(name)
{
    public const string EndpointName = PgBouncerDatabaseResource.PgBouncerEndpointName;
    public const int Port = 6432;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);
}

/// <summary>Mailpit as a container: an SMTP sink whose web inbox shows every message it receives.</summary>
internal sealed class MailpitContainerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string SmtpEndpointName = "smtp";
    public const string InboxEndpointName = "http";
    public const int SmtpPort = 1025;
    public const int InboxPort = 8025;

    public EndpointReference SmtpEndpoint => new(this, SmtpEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Endpoint=smtp://{SmtpEndpoint.Property(EndpointProperty.IPV4Host)}:{SmtpEndpoint.Property(EndpointProperty.Port)}");
}
