using ScaleApp.AppHost.Infrastructure.HealthChecks;

namespace ScaleApp.AppHost.Infrastructure;

/// <summary>
/// A logical database of PgBouncer: the connection string services use to reach one PostgreSQL
/// server through the pooler. The PgBouncer resource may be a local process or a container.
/// </summary>
internal sealed class PgBouncerDatabaseResource(string name, string logicalDatabase, IResourceWithEndpoints parent, ParameterResource password)
    : Resource(name), IResourceWithParent<IResourceWithEndpoints>, IResourceWithConnectionString
{
    /// <summary>Name of the client endpoint that every PgBouncer resource declares.</summary>
    public const string PgBouncerEndpointName = "tcp";

    public IResourceWithEndpoints Parent { get; } = parent;

    /// <summary>Database name a client asks PgBouncer for; PgBouncer maps it to a server.</summary>
    public string LogicalDatabase { get; } = logicalDatabase;

    private EndpointReference PgBouncerEndpoint => Parent.GetEndpoint(PgBouncerEndpointName);

    // Transaction pooling hands each transaction a different server connection, so the client must
    // not reset the session on close (DISCARD ALL) nor rely on server-side prepared statements.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PgBouncerEndpoint.Property(EndpointProperty.IPV4Host)};Port={PgBouncerEndpoint.Property(EndpointProperty.Port)};" +
        $"Database={LogicalDatabase};Username={PostgresNames.ApplicationUser};Password={password};" +
        $"No Reset On Close=true;Max Auto Prepare=0");
}

internal static class PgBouncerDatabaseExtensions
{
    /// <summary>Adds a logical database of PgBouncer as a child resource that services reference.</summary>
    public static IResourceBuilder<PgBouncerDatabaseResource> AddPooledDatabase<T>(
        this IResourceBuilder<T> pgbouncer,
        string name,
        string logicalDatabase,
        InfrastructureParameters parameters)
        where T : IResourceWithEndpoints
    {
        if (!pgbouncer.Resource.GetEndpoint(PgBouncerDatabaseResource.PgBouncerEndpointName).Exists)
        {
            throw new InvalidOperationException(
                $"PgBouncer resource '{pgbouncer.Resource.Name}' has no endpoint named '{PgBouncerDatabaseResource.PgBouncerEndpointName}'; add it before its pooled databases.");
        }

        var database = new PgBouncerDatabaseResource(name, logicalDatabase, pgbouncer.Resource, parameters.PostgresAppPassword.Resource);
        return pgbouncer.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PgBouncerDatabase",
                State = KnownResourceStates.NotStarted,
                Properties = [new("pgbouncer.database", logicalDatabase)],
            });
    }

    /// <summary>
    /// Makes PgBouncer healthy only when a login through it reaches every pooled database, and
    /// marks those databases running together with it.
    /// </summary>
    public static IResourceBuilder<T> WithPooledDatabasesHealthCheck<T>(
        this IResourceBuilder<T> pgbouncer,
        params IResourceBuilder<PgBouncerDatabaseResource>[] databases)
        where T : IResourceWithEndpoints
    {
        var resources = databases.Select(database => database.Resource).ToArray();
        pgbouncer.MarkRunningWhenReady(resources);

        return pgbouncer.WithReadinessCheck(() => new PgBouncerHealthCheck(resources));
    }

    /// <summary>
    /// Adds PgBouncer's logical database for the primary (<c>primary-db</c>) and, when there is a
    /// <paramref name="replicaServer"/>, the one for the hot standby (<c>replica-db</c>). PgBouncer waits
    /// for the standby and is healthy only when a login through it reaches every pooled database.
    /// </summary>
    public static (IResourceBuilder<PgBouncerDatabaseResource> Primary, IResourceBuilder<PgBouncerDatabaseResource>? Replica) AddPooledDatabases<T>(
        this IResourceBuilder<T> pgbouncer,
        IResourceBuilder<IResource>? replicaServer,
        InfrastructureParameters parameters)
        where T : IResourceWithEndpoints, IResourceWithWaitSupport
    {
        var primary = pgbouncer.AddPooledDatabase("primary-db", PostgresNames.PooledPrimary, parameters);
        if (replicaServer is null)
        {
            pgbouncer.WithPooledDatabasesHealthCheck(primary);
            return (primary, null);
        }

        pgbouncer.WaitFor(replicaServer);
        var replica = pgbouncer.AddPooledDatabase("replica-db", PostgresNames.PooledReplica, parameters);
        pgbouncer.WithPooledDatabasesHealthCheck(primary, replica);
        return (primary, replica);
    }
}
