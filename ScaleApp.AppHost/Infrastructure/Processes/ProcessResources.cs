namespace ScaleApp.AppHost.Infrastructure.Processes;

/// <summary>Role of a PostgreSQL server in streaming replication.</summary>
internal enum PostgresRole
{
    Primary,
    HotStandby,
}

/// <summary>
/// A PostgreSQL server run from the operating system's packages. Its connection string logs in as
/// the superuser to the application database, directly (not through PgBouncer); the services use
/// the pooled databases instead, while tests and tools use this one.
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

/// <summary>
/// A logical database of PgBouncer: the connection string services use to reach one PostgreSQL
/// server through the pooler.
/// </summary>
internal sealed class PgBouncerDatabaseResource(string name, string logicalDatabase, PgBouncerProcessResource parent, ParameterResource password)
    : Resource(name), IResourceWithParent<PgBouncerProcessResource>, IResourceWithConnectionString
{
    public PgBouncerProcessResource Parent { get; } = parent;

    /// <summary>Database name a client asks PgBouncer for; PgBouncer maps it to a server.</summary>
    public string LogicalDatabase { get; } = logicalDatabase;

    // Transaction pooling hands each transaction a different server connection, so the client must
    // not reset the session on close (DISCARD ALL) nor rely on server-side prepared statements.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Parent.PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={Parent.PrimaryEndpoint.Property(EndpointProperty.Port)};" +
        $"Database={LogicalDatabase};Username={PostgresNames.ApplicationUser};Password={password};" +
        $"No Reset On Close=true;Max Auto Prepare=0");
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

/// <summary>Names shared by the PostgreSQL servers, PgBouncer and the services.</summary>
internal static class PostgresNames
{
    public const string Database = "scaleapp";
    public const string Superuser = "postgres";
    public const string ApplicationUser = "scaleapp";
    public const string ReplicationUser = "replicator";

    /// <summary>PgBouncer's logical database for the primary.</summary>
    public const string PooledPrimary = "scaleapp";

    /// <summary>PgBouncer's logical database for the hot standby.</summary>
    public const string PooledReplica = "scaleapp_replica";
}
